//! Uploaded evidence files, kept on disk outside any folder the web server
//! serves, each under a random 128-bit name in a two-level folder tree. The
//! database holds the name; only a route that checks who is asking reads the
//! bytes back.

use crate::{Result, StorageError};
use std::path::{Path, PathBuf};

/// A folder of uploaded files.
#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    /// Files under `root` (created when first written).
    pub fn new(root: impl Into<PathBuf>) -> FileStore {
        FileStore { root: root.into() }
    }

    /// Where the files live.
    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_for(&self, key: &str) -> Result<PathBuf> {
        if key.len() != 32 || !key.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(StorageError::NotFound("file"));
        }
        Ok(self.root.join(&key[..2]).join(key))
    }

    /// Stores bytes under a new random name and returns the name. The file
    /// is written to a temporary name and renamed, so a half-written file is
    /// never found.
    pub async fn put(&self, bytes: &[u8]) -> Result<String> {
        let key: String = (0..16)
            .map(|_| format!("{:02x}", rand::random::<u8>()))
            .collect();
        let path = self.path_for(&key)?;
        let dir = path.parent().unwrap_or(&self.root).to_path_buf();
        tokio::fs::create_dir_all(&dir).await.map_err(io)?;
        let tmp = dir.join(format!(".{key}.part"));
        tokio::fs::write(&tmp, bytes).await.map_err(io)?;
        tokio::fs::rename(&tmp, &path).await.map_err(io)?;
        Ok(key)
    }

    /// Reads a stored file.
    pub async fn get(&self, key: &str) -> Result<Vec<u8>> {
        let path = self.path_for(key)?;
        match tokio::fs::read(&path).await {
            Ok(b) => Ok(b),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StorageError::NotFound("file"))
            }
            Err(e) => Err(io(e)),
        }
    }

    /// Removes a stored file (used when the record pointing at it could not
    /// be saved).
    pub async fn remove(&self, key: &str) -> Result<()> {
        let path = self.path_for(key)?;
        match tokio::fs::remove_file(&path).await {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io(e)),
        }
    }

    /// How many files are stored (for tests and the admin's checks).
    pub fn count(&self) -> usize {
        let Ok(dirs) = std::fs::read_dir(&self.root) else {
            return 0;
        };
        dirs.flatten()
            .filter_map(|d| std::fs::read_dir(d.path()).ok())
            .flat_map(|files| files.flatten())
            .filter(|f| !f.file_name().to_string_lossy().starts_with('.'))
            .count()
    }
}

fn io(e: std::io::Error) -> StorageError {
    StorageError::Io(e.to_string())
}
