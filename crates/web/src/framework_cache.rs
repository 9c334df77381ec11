//! An in-memory copy of each organisation's career framework (core plus local
//! roles and transitions), so that ranking next options reads no catalogue
//! rows per request. Edits made through this process refresh it at once;
//! edits made elsewhere (another app server, `pathwise catalogue import`) are
//! picked up when the copy is older than its time to live.

use pathwise_domain::{Role, Transition};
use pathwise_storage::catalogue::{self, ScopedTransition};
use pathwise_storage::{Result, Store};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// How long a copy is trusted before it is read again.
pub const TIME_TO_LIVE: Duration = Duration::from_secs(30);

/// One organisation's framework.
#[derive(Debug)]
pub struct Framework {
    /// Roles by code.
    pub roles: HashMap<String, Role>,
    transitions: Vec<ScopedTransition>,
}

impl Framework {
    /// Transitions out of `from` seen at `site_id`: core, organisation-wide
    /// local, and that site's own.
    pub fn transitions_from(&self, site_id: i64, from: &str) -> Vec<Transition> {
        self.transitions
            .iter()
            .filter(|t| t.transition.from == from && t.scope.visible_at(site_id))
            .map(|t| t.transition.clone())
            .collect()
    }
}

/// Copies of frameworks by organisation.
#[derive(Debug, Default)]
pub struct FrameworkCache {
    by_org: RwLock<HashMap<i64, (Instant, Arc<Framework>)>>,
}

impl FrameworkCache {
    /// The organisation's framework, read from the store when missing or stale.
    pub async fn get(&self, store: &Store, org_id: i64) -> Result<Arc<Framework>> {
        if let Some((at, fw)) = self
            .by_org
            .read()
            .ok()
            .and_then(|m| m.get(&org_id).cloned())
            && at.elapsed() < TIME_TO_LIVE
        {
            return Ok(fw);
        }
        let fw = Arc::new(Framework {
            roles: catalogue::role_map(store, org_id).await?,
            transitions: catalogue::transitions_for_org(store, org_id).await?,
        });
        if let Ok(mut m) = self.by_org.write() {
            m.insert(org_id, (Instant::now(), fw.clone()));
        }
        Ok(fw)
    }

    /// Forgets an organisation's copy after a change to its framework.
    pub fn invalidate(&self, org_id: i64) {
        if let Ok(mut m) = self.by_org.write() {
            m.remove(&org_id);
        }
    }
}
