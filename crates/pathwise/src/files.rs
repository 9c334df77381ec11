//! Files the commands read and write: a whole file read with its path in
//! any error, and an output written beside its place and moved into it, so
//! a failed write never leaves half a file.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

/// The text of `path`.
pub fn read(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))
}

/// Writes `text` to `path` whole or not at all.
pub fn write_atomically(path: &Path, text: &str) -> Result<()> {
    let mut partial = path.as_os_str().to_owned();
    partial.push(".partial");
    let partial = std::path::PathBuf::from(partial);
    let mut file = std::fs::File::create(&partial)
        .with_context(|| format!("writing {}", partial.display()))?;
    file.write_all(text.as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("writing {}", partial.display()))?;
    std::fs::rename(&partial, path).with_context(|| format!("writing {}", path.display()))
}
