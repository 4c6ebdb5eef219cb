//! Huawei Cloud KPS: projects with SSH key pairs, deleted through
//! `DELETE /v3/{project_id}/keypairs/{keypair_name}` with `X-Auth-Token`
//! or an AK/SK signature (verified by the generated stub).

use std::sync::{Arc, Mutex};
use vendor_apis::huawei_kps::server::{self, Api, DeleteKeypairInput, DeleteKeypairResponse};
use vendor_apis::huawei_kps::types::ErrorRsp;

use crate::faults::{Faults, Typed};
use crate::state::HuaweiWorld;
use crate::{find_secret, injected, lock};

struct Huawei {
    world: Arc<Mutex<HuaweiWorld>>,
    faults: Arc<Faults>,
}

/// The user a token or access key authenticates.
#[derive(Clone, Debug)]
pub struct Caller {
    user: String,
}

// Error codes. The page (specs/huawei/delete-keypair.page.md) documents the
// 400 body `{"error_code":"KPS.XXX","error_msg":"XXX"}` with a placeholder
// code only, and none of our sources (the page, ../shared/wire-formats.md)
// lists KPS's real codes. These are therefore fake-cloud's own, in the
// documented shape and namespace, one per cause, so a test can tell the
// causes apart; the SDK reads any of them into
// ClientRequestException(status_code=400, error_code, error_msg). Match on
// the status (and the `KPS.` prefix), not on the numbers.
/// The path's project is unknown, or not the caller's.
const PROJECT_NOT_FOUND: (&str, &str) =
    ("KPS.0001", "The project does not exist or is not accessible with these credentials.");
/// The project has no key pair of that name (also: deleted already).
const KEYPAIR_NOT_FOUND: (&str, &str) = ("KPS.0002", "The keypair does not exist.");

fn bad_request((code, msg): (&str, &str)) -> DeleteKeypairResponse {
    DeleteKeypairResponse::BadRequest(ErrorRsp { error_code: Some(code.into()), error_msg: Some(msg.into()) })
}

impl Api for Huawei {
    type Caller = Caller;

    async fn authenticate_x_auth_token(&self, token: &str) -> Option<Caller> {
        let world = lock(&self.world);
        find_secret(&world.credentials.tokens, token, |t| &t.token).map(|t| Caller { user: t.user.clone() })
    }

    async fn ak_sk_signature_secret(&self, access_key: &str) -> Option<(String, Caller)> {
        let world = lock(&self.world);
        world
            .credentials
            .access_keys
            .iter()
            .find(|k| k.access_key == access_key)
            .map(|k| (k.secret_key.clone(), Caller { user: k.user.clone() }))
    }

    async fn delete_keypair(&self, caller: Caller, input: DeleteKeypairInput) -> DeleteKeypairResponse {
        if let Some(response) = injected(&self.faults, "delete_keypair", DeleteKeypairResponse::documented) {
            return response;
        }
        let mut world = lock(&self.world);
        let Some(project) =
            world.resources.projects.iter_mut().find(|p| p.id == input.project_id && p.user == caller.user)
        else {
            return bad_request(PROJECT_NOT_FOUND);
        };
        match project.keypairs.iter().position(|k| *k == input.keypair_name) {
            Some(index) => {
                project.keypairs.remove(index);
                DeleteKeypairResponse::NoContent
            }
            None => bad_request(KEYPAIR_NOT_FOUND),
        }
    }
}

pub fn router(world: Arc<Mutex<HuaweiWorld>>, faults: Arc<Faults>) -> axum::Router {
    server::router(Arc::new(Huawei { world, faults }))
}

pub fn check(operation: &str, fault: &Typed) -> Result<(), String> {
    match operation {
        "delete_keypair" => {
            DeleteKeypairResponse::documented(fault.status, fault.code.as_deref(), fault.body.clone()).map(drop)
        }
        other => Err(format!("unknown operation `{other}`")),
    }
}
