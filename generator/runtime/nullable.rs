//! Optional *and* nullable fields: `Option<Option<T>>`, where the outer
//! `None` is "absent" and `Some(None)` is an explicit JSON `null`. Serde on
//! its own folds both into `None`.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Use as `#[serde(default, skip_serializing_if = "Option::is_none", with = "…::nullable")]`.
pub fn serialize<T: Serialize, S: Serializer>(value: &Option<Option<T>>, serializer: S) -> Result<S::Ok, S::Error> {
    match value {
        Some(inner) => inner.serialize(serializer),
        None => serializer.serialize_none(),
    }
}

pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(deserializer).map(Some)
}
