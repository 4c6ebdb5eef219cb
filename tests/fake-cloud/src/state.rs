//! The emulated world of one `--api` run: who may call (credentials), what
//! exists (resources) and which answers to force (faults).
//!
//! One JSON document per run; `--state FILE` replaces the default one
//! ([`State::default_for`]). The format is documented in the README
//! ("fake-cloud"); `fake-cloud --api NAME --print-state` prints the default
//! document of an API as a starting point.

use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use std::path::Path;

use crate::faults::FaultSpec;

/// The emulated API, as named on the command line (`--api`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum Vendor {
    /// Phala Cloud: `DELETE /api/v1/user/ssh-keys/{key_id}`.
    Phala,
    /// Vast.ai: detach an SSH key, delete an API key.
    Vast,
    /// Huawei Cloud KPS: `DELETE /v3/{project_id}/keypairs/{keypair_name}`.
    Huawei,
    /// AWS Transfer Family: `DeleteSshPublicKey` (awsJson1_1).
    Aws,
}

impl Vendor {
    pub const ALL: [Vendor; 4] = [Vendor::Phala, Vendor::Vast, Vendor::Huawei, Vendor::Aws];

    /// The name used on the command line and in state files.
    pub fn name(self) -> &'static str {
        match self {
            Vendor::Phala => "phala",
            Vendor::Vast => "vast",
            Vendor::Huawei => "huawei",
            Vendor::Aws => "aws",
        }
    }

    /// The generated names of the operations this API has (the names faults use).
    pub fn operations(self) -> &'static [&'static str] {
        match self {
            Vendor::Phala => &["delete_ssh_key"],
            Vendor::Vast => &["detach_ssh", "delete_api_key"],
            Vendor::Huawei => &["delete_keypair"],
            Vendor::Aws => &["delete_ssh_public_key"],
        }
    }
}

impl fmt::Display for Vendor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The whole state of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct State {
    pub world: World,
    /// Forced answers, consumed in order per operation.
    pub faults: Vec<FaultSpec>,
}

/// Credentials and resources, per API.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum World {
    Phala(PhalaWorld),
    Vast(VastWorld),
    Huawei(HuaweiWorld),
    Aws(AwsWorld),
}

impl World {
    pub fn vendor(&self) -> Vendor {
        match self {
            World::Phala(_) => Vendor::Phala,
            World::Vast(_) => Vendor::Vast,
            World::Huawei(_) => Vendor::Huawei,
            World::Aws(_) => Vendor::Aws,
        }
    }
}

// ---------------------------------------------------------------- Phala

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhalaWorld {
    pub credentials: PhalaCredentials,
    pub resources: PhalaResources,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhalaCredentials {
    /// Accepted `X-API-Key` values and the user each one authenticates.
    pub api_keys: Vec<ApiKey>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PhalaResources {
    pub ssh_keys: Vec<OwnedId<String>>,
}

// ---------------------------------------------------------------- Vast

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VastWorld {
    pub credentials: VastCredentials,
    pub resources: VastResources,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VastCredentials {
    /// Accepted `Authorization: Bearer` values and the user each one authenticates.
    pub api_keys: Vec<ApiKey>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VastResources {
    pub instances: Vec<VastInstance>,
    /// API key records (`DELETE /api/v0/auth/apikeys/{id}/`); separate from the bearer keys above.
    pub api_keys: Vec<OwnedId<i64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VastInstance {
    pub id: i64,
    pub user: String,
    /// Ids of the SSH keys attached to the instance.
    pub ssh_keys: Vec<i64>,
}

// ---------------------------------------------------------------- Huawei

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuaweiWorld {
    pub credentials: HuaweiCredentials,
    pub resources: HuaweiResources,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuaweiCredentials {
    /// Accepted `X-Auth-Token` values.
    pub tokens: Vec<HuaweiToken>,
    /// AK/SK pairs: requests signed with them (`SDK-HMAC-SHA256`) are verified.
    pub access_keys: Vec<HuaweiAccessKey>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuaweiToken {
    pub token: String,
    pub user: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuaweiAccessKey {
    pub access_key: String,
    pub secret_key: String,
    pub user: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuaweiResources {
    pub projects: Vec<HuaweiProject>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HuaweiProject {
    /// The `{project_id}` of the path.
    pub id: String,
    /// The user (credential) allowed to act on the project.
    pub user: String,
    /// Names of the project's SSH key pairs.
    pub keypairs: Vec<String>,
}

// ---------------------------------------------------------------- AWS

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsWorld {
    pub credentials: AwsCredentials,
    pub resources: AwsResources,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsCredentials {
    /// SigV4 key pairs (service `transfer`, any region); signatures are verified.
    pub access_keys: Vec<AwsAccessKey>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsAccessKey {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub account: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsResources {
    pub servers: Vec<AwsServer>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsServer {
    pub server_id: String,
    /// The account owning the server; other accounts get `ResourceNotFoundException`.
    pub account: String,
    pub users: Vec<AwsUser>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AwsUser {
    pub user_name: String,
    pub ssh_public_key_ids: Vec<String>,
}

// ---------------------------------------------------------------- shared shapes

/// A token-like credential and the user it authenticates.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApiKey {
    pub key: String,
    pub user: String,
}

/// A resource id and the user owning it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OwnedId<T> {
    pub id: T,
    pub user: String,
}

// ---------------------------------------------------------------- defaults

pub const PHALA_API_KEY: &str = "phak_test_key";
pub const VAST_API_KEY: &str = "vast_test_key";
pub const HUAWEI_TOKEN: &str = "huawei_test_token";
pub const HUAWEI_AK: &str = "HUAWEITESTAK";
pub const HUAWEI_SK: &str = "HUAWEITESTSK";
pub const HUAWEI_PROJECT: &str = "0123456789abcdef0123456789abcdef";
pub const AWS_ACCESS_KEY_ID: &str = "AKIDTEST";
pub const AWS_SECRET_ACCESS_KEY: &str = "SECRETTEST";
pub const AWS_ACCOUNT: &str = "123456789012";
pub const AWS_SERVER_ID: &str = "s-01234567890abcdef";
pub const AWS_USER_NAME: &str = "my_user";

/// The user the default credentials authenticate.
pub const TEST_USER: &str = "test_user";

impl State {
    /// The state a run starts with when no `--state` is given (the README's table).
    pub fn default_for(vendor: Vendor) -> State {
        let user = || TEST_USER.to_owned();
        let world = match vendor {
            Vendor::Phala => World::Phala(PhalaWorld {
                credentials: PhalaCredentials { api_keys: vec![ApiKey { key: PHALA_API_KEY.into(), user: user() }] },
                resources: PhalaResources {
                    ssh_keys: vec![
                        OwnedId { id: "sshk_test1".into(), user: user() },
                        OwnedId { id: "sshk_test2".into(), user: user() },
                    ],
                },
            }),
            Vendor::Vast => World::Vast(VastWorld {
                credentials: VastCredentials { api_keys: vec![ApiKey { key: VAST_API_KEY.into(), user: user() }] },
                resources: VastResources {
                    instances: vec![VastInstance { id: 99999, user: user(), ssh_keys: vec![12345, 12346] }],
                    api_keys: vec![OwnedId { id: 123, user: user() }, OwnedId { id: 124, user: user() }],
                },
            }),
            Vendor::Huawei => World::Huawei(HuaweiWorld {
                credentials: HuaweiCredentials {
                    tokens: vec![HuaweiToken { token: HUAWEI_TOKEN.into(), user: user() }],
                    access_keys: vec![HuaweiAccessKey {
                        access_key: HUAWEI_AK.into(),
                        secret_key: HUAWEI_SK.into(),
                        user: user(),
                    }],
                },
                resources: HuaweiResources {
                    projects: vec![HuaweiProject {
                        id: HUAWEI_PROJECT.into(),
                        user: user(),
                        keypairs: vec!["my-keypair".into(), "my-keypair-2".into()],
                    }],
                },
            }),
            Vendor::Aws => World::Aws(AwsWorld {
                credentials: AwsCredentials {
                    access_keys: vec![AwsAccessKey {
                        access_key_id: AWS_ACCESS_KEY_ID.into(),
                        secret_access_key: AWS_SECRET_ACCESS_KEY.into(),
                        account: AWS_ACCOUNT.into(),
                    }],
                },
                resources: AwsResources {
                    servers: vec![AwsServer {
                        server_id: AWS_SERVER_ID.into(),
                        account: AWS_ACCOUNT.into(),
                        users: vec![AwsUser {
                            user_name: AWS_USER_NAME.into(),
                            ssh_public_key_ids: vec!["key-0123456789abcdef0".into(), "key-0123456789abcdef1".into()],
                        }],
                    }],
                },
            }),
        };
        State { world, faults: Vec::new() }
    }

    pub fn vendor(&self) -> Vendor {
        self.world.vendor()
    }

    /// Reads and checks a state file for `vendor`. Every error names the file.
    pub fn load(vendor: Vendor, path: &Path) -> Result<State, StateError> {
        let source = path.display().to_string();
        let text = std::fs::read_to_string(path)
            .map_err(|e| StateError { source: source.clone(), message: format!("cannot read it: {e}") })?;
        State::parse(vendor, &text, &source)
    }

    /// Parses and checks a state document; `source` names it in errors.
    pub fn parse(vendor: Vendor, text: &str, source: &str) -> Result<State, StateError> {
        let err = |message: String| StateError { source: source.to_owned(), message };
        let doc: Document =
            deserialize(text).map_err(|e| err(format!("not a valid state document for --api {vendor}: {e}")))?;
        if let Some(api) = doc.api
            && api != vendor
        {
            return Err(err(format!("the file is for --api {api}, but fake-cloud runs --api {vendor}")));
        }
        let world = match vendor {
            Vendor::Phala => World::Phala(from_value(doc.credentials, doc.resources).map_err(&err)?),
            Vendor::Vast => World::Vast(from_value(doc.credentials, doc.resources).map_err(&err)?),
            Vendor::Huawei => World::Huawei(from_value(doc.credentials, doc.resources).map_err(&err)?),
            Vendor::Aws => World::Aws(from_value(doc.credentials, doc.resources).map_err(&err)?),
        };
        world.check().map_err(&err)?;
        for (index, fault) in doc.faults.iter().enumerate() {
            crate::faults::check(vendor, fault).map_err(|e| err(format!("faults[{index}]: {e}")))?;
        }
        Ok(State { world, faults: doc.faults })
    }

    /// The state as a JSON document `State::parse` reads back.
    pub fn to_json(&self) -> serde_json::Value {
        let mut doc = serde_json::json!({ "api": self.vendor() });
        if let (Some(map), Ok(serde_json::Value::Object(world))) =
            (doc.as_object_mut(), serde_json::to_value(&self.world))
        {
            map.extend(world);
            map.insert("faults".into(), serde_json::to_value(&self.faults).unwrap_or_default());
        }
        doc
    }
}

/// The top level of a state file; the vendor-specific parts are read once the vendor is known.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Document {
    #[serde(default)]
    api: Option<Vendor>,
    credentials: serde_json::Value,
    resources: serde_json::Value,
    #[serde(default)]
    faults: Vec<FaultSpec>,
}

#[derive(Serialize)]
struct Parts {
    credentials: serde_json::Value,
    resources: serde_json::Value,
}

fn from_value<T: serde::de::DeserializeOwned>(
    credentials: serde_json::Value,
    resources: serde_json::Value,
) -> Result<T, String> {
    let parts = serde_json::to_value(Parts { credentials, resources }).map_err(|e| e.to_string())?;
    serde_path_to_error::deserialize(parts).map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))
}

fn deserialize<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        if path == "." { e.inner().to_string() } else { format!("at `{path}`: {}", e.inner()) }
    })
}

impl World {
    /// Duplicate credentials or resources are errors: which one would win is not obvious.
    fn check(&self) -> Result<(), String> {
        match self {
            World::Phala(w) => {
                unique("credentials.api_keys", w.credentials.api_keys.iter().map(|k| &k.key))?;
                unique("resources.ssh_keys", w.resources.ssh_keys.iter().map(|k| &k.id))
            }
            World::Vast(w) => {
                unique("credentials.api_keys", w.credentials.api_keys.iter().map(|k| &k.key))?;
                unique("resources.instances", w.resources.instances.iter().map(|i| i.id))?;
                for (n, instance) in w.resources.instances.iter().enumerate() {
                    unique(&format!("resources.instances[{n}].ssh_keys"), instance.ssh_keys.iter())?;
                }
                unique("resources.api_keys", w.resources.api_keys.iter().map(|k| k.id))
            }
            World::Huawei(w) => {
                unique("credentials.tokens", w.credentials.tokens.iter().map(|t| &t.token))?;
                unique("credentials.access_keys", w.credentials.access_keys.iter().map(|k| &k.access_key))?;
                unique("resources.projects", w.resources.projects.iter().map(|p| &p.id))?;
                for (n, project) in w.resources.projects.iter().enumerate() {
                    unique(&format!("resources.projects[{n}].keypairs"), project.keypairs.iter())?;
                }
                Ok(())
            }
            World::Aws(w) => {
                unique("credentials.access_keys", w.credentials.access_keys.iter().map(|k| &k.access_key_id))?;
                unique("resources.servers", w.resources.servers.iter().map(|s| &s.server_id))?;
                for (n, server) in w.resources.servers.iter().enumerate() {
                    unique(&format!("resources.servers[{n}].users"), server.users.iter().map(|u| &u.user_name))?;
                    for (m, user) in server.users.iter().enumerate() {
                        unique(
                            &format!("resources.servers[{n}].users[{m}].ssh_public_key_ids"),
                            user.ssh_public_key_ids.iter(),
                        )?;
                    }
                }
                Ok(())
            }
        }
    }
}

fn unique<T: fmt::Debug + Eq + std::hash::Hash>(what: &str, items: impl Iterator<Item = T>) -> Result<(), String> {
    let mut seen = HashSet::new();
    for item in items {
        if !seen.insert(format!("{item:?}")) {
            return Err(format!("{what}: {item:?} appears twice"));
        }
    }
    Ok(())
}

/// A state file that cannot be used: names the file and says why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StateError {
    pub source: String,
    pub message: String,
}

impl fmt::Display for StateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "state file {}: {}", self.source, self.message)
    }
}

impl std::error::Error for StateError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_states_round_trip() {
        for vendor in Vendor::ALL {
            let state = State::default_for(vendor);
            let text = serde_json::to_string_pretty(&state.to_json()).unwrap();
            assert_eq!(State::parse(vendor, &text, "default").unwrap(), state, "{vendor}");
        }
    }

    #[test]
    fn errors_name_the_file_and_the_place() {
        let e = State::parse(Vendor::Vast, "{", "s.json").unwrap_err().to_string();
        assert!(e.starts_with("state file s.json: not a valid state document"), "{e}");
        let e = State::parse(
            Vendor::Vast,
            r#"{"credentials":{"api_keys":[]},"resources":{"instances":[{"id":"x"}],"api_keys":[]}}"#,
            "s.json",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("resources.instances[0].id"), "{e}");
        let e = State::parse(Vendor::Aws, r#"{"api":"vast","credentials":{},"resources":{}}"#, "s.json").unwrap_err();
        assert!(e.message.contains("--api vast"), "{e}");
        let e = State::parse(Vendor::Phala, r#"{"credentials":{"api_keys":[{"key":"a","user":"u"},{"key":"a","user":"v"}]},"resources":{"ssh_keys":[]}}"#, "s.json").unwrap_err();
        assert!(e.message.contains("appears twice"), "{e}");
    }
}
