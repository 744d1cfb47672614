//! The organization a cloud starts with, declared in a TOML file (`ramparts serve --config`),
//! so that tools which must name account ids up front (Terraform provider aliases) can.
//!
//! ```toml
//! [organization]
//! management_account = "111111111111"
//! ram_sharing = true                 # run RAM's EnableSharingWithAwsOrganization
//!
//! [[organization.units]]
//! name = "workloads"                 # under the root unless `parent` names another unit
//!
//! [[organization.accounts]]
//! id = "222222222222"
//! name = "network"
//! email = "network@example.com"
//! unit = "workloads"                 # optional
//! ```

use crate::engine::Engine;
use cloud::{Command, OrgCommand};
use serde::Deserialize;
use store::Ticket;

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub organization: Option<DeclaredOrganization>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeclaredOrganization {
    pub management_account: String,
    pub management_name: Option<String>,
    pub management_email: Option<String>,
    #[serde(default = "all_features")]
    pub feature_set: String,
    #[serde(default)]
    pub ram_sharing: bool,
    #[serde(default)]
    pub units: Vec<DeclaredUnit>,
    #[serde(default)]
    pub accounts: Vec<DeclaredAccount>,
}

fn all_features() -> String {
    "ALL".into()
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeclaredUnit {
    pub name: String,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct DeclaredAccount {
    pub id: String,
    pub name: String,
    pub email: String,
    pub unit: Option<String>,
}

fn is_account_id(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

impl Config {
    pub fn parse(text: &str) -> Result<Config, String> {
        let config: Config = toml::from_str(text).map_err(|e| e.to_string())?;
        if let Some(org) = &config.organization {
            let mut ids = vec![org.management_account.as_str()];
            ids.extend(org.accounts.iter().map(|a| a.id.as_str()));
            for id in &ids {
                if !is_account_id(id) {
                    return Err(format!("account id {id:?} is not 12 digits"));
                }
            }
            let mut sorted = ids.clone();
            sorted.sort_unstable();
            sorted.dedup();
            if sorted.len() != ids.len() {
                return Err("an account id is declared twice".into());
            }
            let names: Vec<&str> = org.units.iter().map(|u| u.name.as_str()).collect();
            for (i, u) in org.units.iter().enumerate() {
                if let Some(p) = &u.parent {
                    if !names[..i].contains(&p.as_str()) {
                        return Err(format!(
                            "unit {:?}: parent {p:?} must be declared before it",
                            u.name
                        ));
                    }
                }
            }
            for a in &org.accounts {
                if let Some(u) = &a.unit {
                    if !names.contains(&u.as_str()) {
                        return Err(format!("account {}: no unit named {u:?}", a.id));
                    }
                }
            }
        }
        Ok(config)
    }
}

impl Engine {
    /// Bring the cloud to the declared shape: whatever is missing is created, as logged
    /// commands (so a data directory that already has it is left alone).
    pub fn declare(&self, config: &Config) -> Result<Vec<Ticket>, String> {
        let Some(org) = &config.organization else {
            return Ok(Vec::new());
        };
        let mgmt = org.management_account.as_str();
        let mut tickets = Vec::new();
        let mut run = |command: OrgCommand| -> Result<(), String> {
            let (_, t) = self
                .write(mgmt, "us-east-1", Command::Org(command), |_, _| ())
                .map_err(|e| e.to_string())?;
            tickets.push(t);
            Ok(())
        };
        if self.read(|c| c.organization_of(mgmt).is_none()) {
            run(OrgCommand::CreateOrganization {
                feature_set: org.feature_set.clone(),
                email: org.management_email.clone(),
                name: org.management_name.clone(),
            })?;
        }
        let root = self
            .read(|c| c.managed_org(mgmt).map(|o| o.root_id.clone()))
            .map_err(|e| format!("account {mgmt} is not the management account: {e}"))?;
        let mut unit_ids: Vec<(String, String)> = Vec::new();
        for u in &org.units {
            let parent = match &u.parent {
                Some(p) => unit_ids
                    .iter()
                    .find(|(n, _)| n == p)
                    .map(|(_, id)| id.clone())
                    .unwrap_or_default(),
                None => root.clone(),
            };
            let existing = |e: &Engine| {
                e.read(|c| {
                    c.managed_org(mgmt).ok().and_then(|o| {
                        o.units
                            .values()
                            .find(|x| x.parent == parent && x.name == u.name)
                            .map(|x| x.id.clone())
                    })
                })
            };
            if existing(self).is_none() {
                run(OrgCommand::CreateUnit {
                    parent: parent.clone(),
                    name: u.name.clone(),
                    tags: Vec::new(),
                })?;
            }
            let id = existing(self).ok_or("unit not created")?;
            unit_ids.push((u.name.clone(), id));
        }
        for a in &org.accounts {
            let member = self.read(|c| c.organization_of(&a.id).map(|o| o.master.clone()));
            match member {
                Some(m) if m == mgmt => continue,
                Some(m) => {
                    return Err(format!(
                        "account {} is in another organization (of {m})",
                        a.id
                    ))
                }
                None => {}
            }
            let parent = a.unit.as_ref().and_then(|u| {
                unit_ids
                    .iter()
                    .find(|(n, _)| n == u)
                    .map(|(_, id)| id.clone())
            });
            run(OrgCommand::CreateAccount {
                email: a.email.clone(),
                name: a.name.clone(),
                role_name: None,
                tags: Vec::new(),
                account_id: Some(a.id.clone()),
                parent,
            })?;
            let joined = self.read(|c| c.organization_of(&a.id).is_some());
            if !joined {
                return Err(format!(
                    "account {} could not join (is its email {} unique?)",
                    a.id, a.email
                ));
            }
        }
        if org.ram_sharing && !self.read(|c| c.managed_org(mgmt).is_ok_and(|o| o.sharing_enabled()))
        {
            run(OrgCommand::EnableRamSharing)?;
        }
        Ok(tickets)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_checks_declarations() {
        let ok = Config::parse(
            r#"
            [organization]
            management_account = "111111111111"
            ram_sharing = true
            [[organization.units]]
            name = "a"
            [[organization.units]]
            name = "b"
            parent = "a"
            [[organization.accounts]]
            id = "222222222222"
            name = "net"
            email = "net@example.com"
            unit = "b"
            "#,
        )
        .unwrap();
        assert_eq!(
            ok.organization.unwrap().accounts[0].unit.as_deref(),
            Some("b")
        );
        assert!(Config::parse("[organization]\nmanagement_account = \"1\"").is_err());
        assert!(Config::parse(
            "[organization]\nmanagement_account = \"111111111111\"\nsurprise = 1"
        )
        .is_err());
        let dup = "[organization]\nmanagement_account = \"111111111111\"\n[[organization.accounts]]\nid = \"111111111111\"\nname = \"x\"\nemail = \"x@example.com\"";
        assert!(Config::parse(dup).is_err());
    }
}
