//! Which group an owner has under a name in a VPC. Names are unique per owner and VPC,
//! compared case-insensitively.
//!
//! Each slot holds only the group's id: the key (owner, VPC, name) is read back from the group
//! itself, so the index costs one inline id per group instead of a copy of the whole key.

use crate::model::{Id, SecurityGroup};
use hashbrown::HashTable;
use std::collections::HashMap;
use std::hash::{BuildHasher, Hash, Hasher, RandomState};

pub(crate) type Groups = HashMap<Id, Box<SecurityGroup>>;

#[derive(Debug, Default, Clone)]
pub(crate) struct GroupNames {
    table: HashTable<Id>,
    state: RandomState,
}

fn folded(name: &str) -> impl Iterator<Item = char> + '_ {
    name.chars().flat_map(char::to_lowercase)
}

impl GroupNames {
    fn hash(state: &RandomState, owner: &str, vpc_id: &str, name: &str) -> u64 {
        let mut h = state.build_hasher();
        owner.hash(&mut h);
        vpc_id.hash(&mut h);
        folded(name).for_each(|c| c.hash(&mut h));
        h.finish()
    }

    fn hash_of(state: &RandomState, g: &SecurityGroup) -> u64 {
        Self::hash(state, &g.owner, &g.vpc_id, &g.name)
    }

    pub fn find<'a>(
        &self,
        groups: &'a Groups,
        owner: &str,
        vpc_id: &str,
        name: &str,
    ) -> Option<&'a SecurityGroup> {
        let hash = Self::hash(&self.state, owner, vpc_id, name);
        let same = |g: &SecurityGroup| {
            g.owner == owner && g.vpc_id == vpc_id && folded(&g.name).eq(folded(name))
        };
        self.table
            .find(hash, |id| groups.get(id).is_some_and(|g| same(g)))
            .and_then(|id| groups.get(id))
            .map(Box::as_ref)
    }

    /// Index `g`, which `groups` must already hold (growing the table rehashes every entry).
    pub fn insert(&mut self, groups: &Groups, g: &SecurityGroup) {
        let state = &self.state;
        self.table
            .insert_unique(Self::hash_of(state, g), g.id.clone(), |id| {
                Self::hash_of(state, &groups[id])
            });
    }

    pub fn remove(&mut self, g: &SecurityGroup) {
        if let Ok(slot) = self
            .table
            .find_entry(Self::hash_of(&self.state, g), |id| *id == g.id)
        {
            slot.remove();
        }
    }
}
