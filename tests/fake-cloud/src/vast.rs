//! Vast.ai: instances with attached SSH keys, and API key records.

use std::sync::{Arc, Mutex};
use vendor_apis::vast::server::{
    self, Api, DeleteApiKeyInput, DeleteApiKeyResponse, DetachSshInput, DetachSshResponse,
};
use vendor_apis::vast::types;

use crate::faults::{Faults, Typed};
use crate::state::VastWorld;
use crate::{find_secret, injected, lock};

struct Vast {
    world: Arc<Mutex<VastWorld>>,
    faults: Arc<Faults>,
}

/// The user a bearer key authenticates.
#[derive(Clone, Debug)]
pub struct Caller {
    user: String,
}

/// What the real service says (docs/vast and `../shared/wire-formats.md` §2, §3).
const DETACHED: &str = "SSH key removed from instance.";
const NO_SUCH_INSTANCE: &str = "Instance not found.";
const NO_SUCH_SSH_KEY: &str = "SSH key not found.";
const API_KEY_DELETED: &str = "Successfully Deleted API Key";
const API_KEY_NOT_YOURS: &str = "You do not have permission to delete this API Key.";
const API_KEY_NOT_FOUND: &str = "API Key not found.";

fn not_found(error: types::DetachSshResponse404Error, msg: &str) -> DetachSshResponse {
    DetachSshResponse::NotFound(types::DetachSshResponse404 {
        success: Some(false),
        error: Some(error),
        msg: Some(msg.to_owned()),
    })
}

impl Api for Vast {
    type Caller = Caller;

    async fn authenticate_bearer_auth(&self, token: &str) -> Option<Caller> {
        let world = lock(&self.world);
        find_secret(&world.credentials.api_keys, token, |k| &k.key).map(|k| Caller { user: k.user.clone() })
    }

    async fn detach_ssh(&self, caller: Caller, input: DetachSshInput) -> DetachSshResponse {
        if let Some(response) = injected(&self.faults, "detach_ssh", DetachSshResponse::documented) {
            return response;
        }
        let mut world = lock(&self.world);
        // Another user's instance is reported as missing, as for any id the caller cannot see.
        let Some(instance) = world.resources.instances.iter_mut().find(|i| i.id == input.id && i.user == caller.user)
        else {
            return not_found(types::DetachSshResponse404Error::NoSuchInstance, NO_SUCH_INSTANCE);
        };
        match instance.ssh_keys.iter().position(|k| *k == input.ssh_key_id) {
            Some(index) => {
                instance.ssh_keys.remove(index);
                DetachSshResponse::Ok(types::DetachSshResponse200 { success: Some(true), msg: Some(DETACHED.into()) })
            }
            None => not_found(types::DetachSshResponse404Error::NoSuchSshKey, NO_SUCH_SSH_KEY),
        }
    }

    async fn delete_api_key(&self, caller: Caller, input: DeleteApiKeyInput) -> DeleteApiKeyResponse {
        if let Some(response) = injected(&self.faults, "delete_api_key", DeleteApiKeyResponse::documented) {
            return response;
        }
        let mut world = lock(&self.world);
        let keys = &mut world.resources.api_keys;
        match keys.iter().position(|k| k.id == input.id) {
            Some(index) if keys[index].user == caller.user => {
                keys.remove(index);
                DeleteApiKeyResponse::Ok(API_KEY_DELETED.into())
            }
            Some(_) => {
                DeleteApiKeyResponse::Forbidden(types::DeleteApiKeyResponse403 { msg: Some(API_KEY_NOT_YOURS.into()) })
            }
            None => {
                DeleteApiKeyResponse::NotFound(types::DeleteApiKeyResponse404 { msg: Some(API_KEY_NOT_FOUND.into()) })
            }
        }
    }
}

pub fn router(world: Arc<Mutex<VastWorld>>, faults: Arc<Faults>) -> axum::Router {
    server::router(Arc::new(Vast { world, faults }))
}

pub fn check(operation: &str, fault: &Typed) -> Result<(), String> {
    let (status, code, body) = (fault.status, fault.code.as_deref(), fault.body.clone());
    match operation {
        "detach_ssh" => DetachSshResponse::documented(status, code, body).map(drop),
        "delete_api_key" => DeleteApiKeyResponse::documented(status, code, body).map(drop),
        other => Err(format!("unknown operation `{other}`")),
    }
}
