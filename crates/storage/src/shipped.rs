//! The shipped catalogue folder: read once at start-up, and put into the
//! database where it is missing (the core career framework, and each
//! organisation's copy of the shipped pathways), so that `pathwise migrate`
//! leaves a database `pathwise serve` can run on without the demo.

use crate::{Result, StorageError, Store, catalogue, pathways, people};
use pathwise_domain::shipped::{
    CARE_CERTIFICATE_FILE, FRAMEWORK_FILE, FUNDING_RULES_FILE, OUTREACH_TARGETING_FILE,
    PATHWAYS_FILE, STANDARDS_FILE, ShippedCatalogue, ShippedTexts,
};
use std::path::{Path, PathBuf};

/// The catalogue folder of this source tree, the default when none is given.
pub fn default_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../catalogue")
}

/// Reads and checks the catalogue folder `dir`. A missing or bad file stops
/// here, named by its path with what is wrong in it.
pub fn read_dir(dir: &Path) -> Result<ShippedCatalogue> {
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read_to_string(&path)
            .map_err(|e| StorageError::Io(format!("reading {}: {e}", path.display())))
    };
    let (framework, pathways, care_certificate, standards, funding_rules, outreach_targeting) = (
        read(FRAMEWORK_FILE)?,
        read(PATHWAYS_FILE)?,
        read(CARE_CERTIFICATE_FILE)?,
        read(STANDARDS_FILE)?,
        read(FUNDING_RULES_FILE)?,
        read(OUTREACH_TARGETING_FILE)?,
    );
    ShippedCatalogue::parse(ShippedTexts {
        framework: &framework,
        pathways: &pathways,
        care_certificate: &care_certificate,
        standards: &standards,
        funding_rules: &funding_rules,
        outreach_targeting: &outreach_targeting,
    })
    .map_err(|e| StorageError::Invalid(format!("{}: {}", dir.join(e.file).display(), e.problem)))
}

/// Loads the core framework when the database has none, and publishes each
/// shipped pathway to every organisation that has no pathway of that code.
/// Returns how many pathways were published.
pub async fn ensure_loaded(store: &Store, shipped: &ShippedCatalogue, now: i64) -> Result<usize> {
    if catalogue::core_version(store).await?.is_none() {
        catalogue::replace_core(store, &shipped.framework).await?;
    }
    let mut published = 0;
    for org in people::organisation_ids(store).await? {
        published += ensure_pathways(store, shipped, org, now).await?;
    }
    Ok(published)
}

/// Publishes each shipped pathway the organisation does not have yet.
pub async fn ensure_pathways(
    store: &Store,
    shipped: &ShippedCatalogue,
    org_id: i64,
    now: i64,
) -> Result<usize> {
    let have: Vec<String> = pathways::versions(store, org_id)
        .await?
        .into_iter()
        .map(|v| v.code)
        .collect();
    let mut published = 0;
    for template in &shipped.pathways.pathways {
        if !have.contains(&template.code) {
            pathways::publish(
                store,
                org_id,
                template,
                None,
                "shipped pathway, published by pathwise migrate",
                now,
            )
            .await?;
            published += 1;
        }
    }
    Ok(published)
}
