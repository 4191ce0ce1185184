//! Where the originals of uploaded files are kept: behind the `object_store` crate, a directory
//! under the data directory by default, any S3-compatible bucket when configured, or memory
//! (tests). Keys are `venues/<venue>/documents/<random>`: never derived from a file name.

use bytes::Bytes;
use object_store::path::Path as ObjectPath;
use object_store::{GetOptions, ObjectStore, PutOptions, PutPayload};
use std::sync::Arc;

/// Which store holds the originals (`CONCIERGE_OBJECT_STORE`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ObjectsConfig {
    /// A local directory (created when missing).
    Directory(std::path::PathBuf),
    /// `s3://bucket[/prefix]`, credentials and endpoint from the usual `AWS_*` variables
    /// (`AWS_ENDPOINT` and `AWS_ALLOW_HTTP=true` for a local S3-compatible server).
    S3(String),
    /// Kept in memory only (tests).
    Memory,
}

#[derive(Debug, thiserror::Error)]
pub enum ObjectsError {
    #[error("the object store could not be opened: {0}")]
    Open(String),
    #[error("the object store failed: {0}")]
    Io(#[from] object_store::Error),
}

#[derive(Clone, Debug)]
pub struct Objects {
    store: Arc<dyn ObjectStore>,
    /// Prepended to every key (the path part of an `s3://bucket/prefix` URL).
    prefix: String,
}

impl Objects {
    pub fn open(config: &ObjectsConfig) -> Result<Self, ObjectsError> {
        let open = |e: &dyn std::fmt::Display| ObjectsError::Open(e.to_string());
        Ok(match config {
            ObjectsConfig::Directory(dir) => {
                std::fs::create_dir_all(dir).map_err(|e| open(&e))?;
                let store = object_store::local::LocalFileSystem::new_with_prefix(dir).map_err(|e| open(&e))?;
                Self { store: Arc::new(store), prefix: String::new() }
            }
            ObjectsConfig::S3(url) => {
                let rest = url.strip_prefix("s3://").ok_or_else(|| open(&"expected s3://bucket[/prefix]"))?;
                let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
                let store = object_store::aws::AmazonS3Builder::from_env()
                    .with_bucket_name(bucket)
                    .build()
                    .map_err(|e| open(&e))?;
                Self { store: Arc::new(store), prefix: prefix.trim_matches('/').to_string() }
            }
            ObjectsConfig::Memory => {
                Self { store: Arc::new(object_store::memory::InMemory::new()), prefix: String::new() }
            }
        })
    }

    fn path(&self, key: &str) -> ObjectPath {
        if self.prefix.is_empty() {
            ObjectPath::from(key)
        } else {
            ObjectPath::from(format!("{}/{key}", self.prefix))
        }
    }

    /// A fresh key for a venue's document original.
    pub fn new_key(venue_id: i64) -> String {
        format!("venues/{venue_id}/documents/{}", crate::security::tokens::new_token())
    }

    pub async fn put(&self, key: &str, bytes: Bytes) -> Result<(), ObjectsError> {
        self.store.put_opts(&self.path(key), PutPayload::from_bytes(bytes), PutOptions::default()).await?;
        Ok(())
    }

    pub async fn get(&self, key: &str) -> Result<Bytes, ObjectsError> {
        Ok(self.store.get_opts(&self.path(key), GetOptions::default()).await?.bytes().await?)
    }

    /// Deletes an original; a missing one is not an error (deletes are retried after failures).
    pub async fn delete(&self, key: &str) -> Result<(), ObjectsError> {
        use futures_util::StreamExt;
        let path = self.path(key);
        let mut results = self.store.delete_stream(futures_util::stream::once(async move { Ok(path) }).boxed());
        while let Some(r) = results.next().await {
            match r {
                Ok(_) | Err(object_store::Error::NotFound { .. }) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }
}
