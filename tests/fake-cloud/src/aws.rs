//! AWS Transfer Family: servers owned by accounts, with users and their SSH
//! public keys, deleted through `DeleteSshPublicKey` (awsJson1_1, SigV4
//! verified by the generated stub).

use std::sync::{Arc, Mutex};
use vendor_apis::aws_transfer::server::{self, Api, DeleteSshPublicKeyInput, DeleteSshPublicKeyResponse};
use vendor_apis::aws_transfer::types::ResourceNotFoundException;

use crate::faults::{Faults, Typed};
use crate::state::AwsWorld;
use crate::{injected, lock};

struct Aws {
    world: Arc<Mutex<AwsWorld>>,
    faults: Arc<Faults>,
}

/// The account an access key belongs to.
#[derive(Clone, Debug)]
pub struct Caller {
    account: String,
}

/// The service's answer for a missing server, user or key: the resource's
/// id and type are in `Resource` and `ResourceType`.
fn not_found(message: &str, resource: &str, resource_type: &str) -> DeleteSshPublicKeyResponse {
    DeleteSshPublicKeyResponse::ResourceNotFoundException(ResourceNotFoundException {
        message: message.to_owned(),
        resource: resource.to_owned(),
        resource_type: resource_type.to_owned(),
    })
}

impl Api for Aws {
    type Caller = Caller;

    async fn sig_v4_secret(&self, access_key_id: &str) -> Option<(String, Caller)> {
        let world = lock(&self.world);
        world
            .credentials
            .access_keys
            .iter()
            .find(|k| k.access_key_id == access_key_id)
            .map(|k| (k.secret_access_key.clone(), Caller { account: k.account.clone() }))
    }

    async fn delete_ssh_public_key(
        &self,
        caller: Caller,
        input: DeleteSshPublicKeyInput,
    ) -> DeleteSshPublicKeyResponse {
        if let Some(response) = injected(&self.faults, "delete_ssh_public_key", DeleteSshPublicKeyResponse::documented)
        {
            return response;
        }
        let request = input.body;
        let (server_id, user_name, key_id) = (&request.server_id.0, &request.user_name.0, &request.ssh_public_key_id.0);
        let mut world = lock(&self.world);
        // Servers of other accounts do not exist for this caller.
        let Some(server) =
            world.resources.servers.iter_mut().find(|s| s.server_id == *server_id && s.account == caller.account)
        else {
            return not_found(&format!("Unknown server: {server_id}"), server_id, "Server");
        };
        let Some(user) = server.users.iter_mut().find(|u| u.user_name == *user_name) else {
            return not_found(&format!("Unknown user: {user_name}"), user_name, "User");
        };
        match user.ssh_public_key_ids.iter().position(|k| k == key_id) {
            Some(index) => {
                user.ssh_public_key_ids.remove(index);
                DeleteSshPublicKeyResponse::Ok
            }
            None => not_found(&format!("Unknown SSH public key: {key_id}"), key_id, "SshPublicKey"),
        }
    }
}

pub fn router(world: Arc<Mutex<AwsWorld>>, faults: Arc<Faults>) -> axum::Router {
    server::router(Arc::new(Aws { world, faults }))
}

pub fn check(operation: &str, fault: &Typed) -> Result<(), String> {
    match operation {
        "delete_ssh_public_key" => {
            DeleteSshPublicKeyResponse::documented(fault.status, fault.code.as_deref(), fault.body.clone()).map(drop)
        }
        other => Err(format!("unknown operation `{other}`")),
    }
}
