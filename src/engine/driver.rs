//! What both engines' suites read from a batch: its records and its events.

use super::batch::{read_batch, Record, Value};

/// The records of `batch`, which must be well formed.
pub fn records(batch: impl AsRef<[u8]>) -> Vec<Record> {
    read_batch(batch.as_ref()).unwrap()
}

/// The `(kind, values)` of every event of `batch`.
pub fn events(batch: impl AsRef<[u8]>) -> Vec<(u32, Vec<Value>)> {
    events_except(batch, None)
}

/// The `(kind, values)` of the events of `batch` but those of kind `skip`.
pub fn events_except(batch: impl AsRef<[u8]>, skip: Option<u32>) -> Vec<(u32, Vec<Value>)> {
    records(batch)
        .into_iter()
        .filter_map(|r| match r {
            Record::Event { kind, values } if Some(kind) != skip => Some((kind, values)),
            _ => None,
        })
        .collect()
}
