//! Phala Cloud: SSH keys owned by users, deleted through
//! `DELETE /api/v1/user/ssh-keys/{key_id}` with `X-API-Key`.

use std::sync::{Arc, Mutex};
use vendor_apis::phala::server::{self, Api, DeleteSshKeyInput, DeleteSshKeyResponse};
use vendor_apis::phala::types::HttpException;

use crate::faults::{Faults, Typed};
use crate::state::PhalaWorld;
use crate::{find_secret, injected, lock};

struct Phala {
    world: Arc<Mutex<PhalaWorld>>,
    faults: Arc<Faults>,
}

/// The user an API key authenticates.
#[derive(Clone, Debug)]
pub struct Caller {
    user: String,
}

fn exception(detail: &str) -> HttpException {
    HttpException { detail: detail.to_owned() }
}

/// Key ids Phala hands out (`sshk_…`) are made of these; anything else is
/// answered with the documented 400 `{"detail":"Invalid key ID format"}`.
fn well_formed(key_id: &str) -> bool {
    !key_id.is_empty() && key_id.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

impl Api for Phala {
    type Caller = Caller;

    async fn authenticate_api_key_header(&self, key: &str) -> Option<Caller> {
        let world = lock(&self.world);
        find_secret(&world.credentials.api_keys, key, |k| &k.key).map(|k| Caller { user: k.user.clone() })
    }

    async fn delete_ssh_key(&self, caller: Caller, input: DeleteSshKeyInput) -> DeleteSshKeyResponse {
        if let Some(response) = injected(&self.faults, "delete_ssh_key", DeleteSshKeyResponse::documented) {
            return response;
        }
        if !well_formed(&input.key_id) {
            return DeleteSshKeyResponse::BadRequest(exception("Invalid key ID format"));
        }
        let mut world = lock(&self.world);
        // Someone else's key is as invisible as a missing one ("Key must belong to the authenticated user").
        match world.resources.ssh_keys.iter().position(|k| k.id == input.key_id && k.user == caller.user) {
            Some(index) => {
                world.resources.ssh_keys.remove(index);
                DeleteSshKeyResponse::NoContent
            }
            None => DeleteSshKeyResponse::NotFound(exception("SSH key not found")),
        }
    }
}

pub fn router(world: Arc<Mutex<PhalaWorld>>, faults: Arc<Faults>) -> axum::Router {
    server::router(Arc::new(Phala { world, faults }))
}

pub fn check(operation: &str, fault: &Typed) -> Result<(), String> {
    match operation {
        "delete_ssh_key" => {
            DeleteSshKeyResponse::documented(fault.status, fault.code.as_deref(), fault.body.clone()).map(drop)
        }
        other => Err(format!("unknown operation `{other}`")),
    }
}
