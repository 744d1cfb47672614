//! Property: for any sequence of sharing, unsharing, account moves and removals, what every
//! account can see and attach equals what a small reference model of the rules says.
//!
//! The model knows only the documented rules (spec §3, §4.4): inside an organization with RAM
//! sharing on, an active share reaches the member accounts named directly, the whole
//! organization, or the accounts currently under a named OU (nested OUs included); the owner
//! always sees its own; nobody outside the organization is reached without an invitation. The
//! cloud decides which commands it accepts; a refused command must leave no trace, so the
//! model simply skips it.

use cloud::*;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

const REGION: &str = "us-east-1";
const M: &str = "100000000001";
const O: &str = "200000000002";
/// Members that move around; X is never in the organization.
const MEMBERS: [&str; 3] = ["300000000003", "400000000004", "500000000005"];
const X: &str = "900000000009";

/// Where a member sits: the root, OU 1, or OU 2 (which is inside OU 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Place {
    Root,
    Unit1,
    Unit2,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Principal {
    Member(usize),
    Outsider,
    Organization,
    Unit1,
    Unit2,
}

#[derive(Debug, Clone)]
enum Op {
    Create {
        resources: Vec<usize>,
        principals: Vec<Principal>,
    },
    Delete(usize),
    Associate {
        share: usize,
        resources: Vec<usize>,
        principals: Vec<Principal>,
    },
    Disassociate {
        share: usize,
        resources: Vec<usize>,
        principals: Vec<Principal>,
    },
    Move(usize, Place),
    Remove(usize),
}

fn principal() -> impl Strategy<Value = Principal> + Clone {
    prop_oneof![
        (0..3usize).prop_map(Principal::Member),
        Just(Principal::Outsider),
        Just(Principal::Organization),
        Just(Principal::Unit1),
        Just(Principal::Unit2),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    let resources = prop::collection::vec(0..4usize, 0..3);
    let principals = prop::collection::vec(principal(), 0..3);
    prop_oneof![
        3 => (resources.clone(), principals.clone())
            .prop_map(|(resources, principals)| Op::Create { resources, principals }),
        1 => (0..4usize).prop_map(Op::Delete),
        2 => (0..4usize, resources.clone(), principals.clone()).prop_map(
            |(share, resources, principals)| Op::Associate { share, resources, principals }
        ),
        2 => (0..4usize, resources, principals).prop_map(
            |(share, resources, principals)| Op::Disassociate { share, resources, principals }
        ),
        2 => (0..3usize, prop_oneof![Just(Place::Root), Just(Place::Unit1), Just(Place::Unit2)])
            .prop_map(|(m, p)| Op::Move(m, p)),
        1 => (0..3usize).prop_map(Op::Remove),
    ]
}

/// The cloud under test, with the fixed world every case starts from.
struct World {
    cloud: Cloud,
    seq: u64,
    org: String,
    root: String,
    unit1: String,
    unit2: String,
    /// Two subnets and two groups of O, in one VPC: resource index → (id, ARN).
    resources: Vec<(String, String)>,
    shares: Vec<String>,
}

impl World {
    fn run(&mut self, account: &str, command: Command) -> Result<Outcome> {
        self.seq += 1;
        let env = Envelope {
            account: account.into(),
            region: REGION.into(),
            at: 1_000,
            command,
        };
        self.cloud.execute(&env, &mut Ids::new(7, self.seq))
    }

    fn id(&mut self, account: &str, command: Command) -> String {
        match self.run(account, command) {
            Ok(Outcome::Id(id)) => id,
            other => panic!("setup step failed: {other:?}"),
        }
    }

    fn new() -> World {
        let mut w = World {
            cloud: Cloud::new(Limits::default()),
            seq: 0,
            org: String::new(),
            root: String::new(),
            unit1: String::new(),
            unit2: String::new(),
            resources: Vec::new(),
            shares: Vec::new(),
        };
        w.org = w.id(
            M,
            Command::Org(OrgCommand::CreateOrganization {
                feature_set: "ALL".into(),
                email: None,
                name: None,
            }),
        );
        w.root = w.cloud.orgs.orgs[&w.org].root_id.clone();
        let unit = |parent: &str, name: &str| {
            Command::Org(OrgCommand::CreateUnit {
                parent: parent.into(),
                name: name.into(),
                tags: vec![],
            })
        };
        w.unit1 = w.id(M, unit(&w.root.clone(), "one"));
        w.unit2 = w.id(M, unit(&w.unit1.clone(), "two"));
        for account in std::iter::once(O).chain(MEMBERS) {
            w.run(
                M,
                Command::Org(OrgCommand::CreateAccount {
                    email: format!("{account}@example.com"),
                    name: account.into(),
                    role_name: None,
                    tags: vec![],
                    account_id: Some(account.into()),
                    parent: None,
                }),
            )
            .expect("account created");
        }
        w.run(M, Command::Org(OrgCommand::EnableRamSharing))
            .expect("sharing on");
        for account in [M, O, X].into_iter().chain(MEMBERS) {
            w.run(account, Command::OpenRegion).expect("region opened");
        }
        let vpc = w.id(
            O,
            Command::CreateVpc {
                cidr: "10.0.0.0/16".parse().unwrap(),
                instance_tenancy: None,
                tags: vec![],
                amazon_ipv6: false,
            },
        );
        for cidr in ["10.0.1.0/24", "10.0.2.0/24"] {
            let id = w.id(
                O,
                Command::CreateSubnet(NewSubnet {
                    vpc_id: vpc.clone(),
                    cidr: Some(cidr.parse().unwrap()),
                    availability_zone: None,
                    availability_zone_id: None,
                    tags: vec![],
                    ipv6_cidr: None,
                }),
            );
            let arn = format!("arn:aws:ec2:{REGION}:{O}:subnet/{id}");
            w.resources.push((id, arn));
        }
        for name in ["web", "db"] {
            let id = w.id(
                O,
                Command::CreateSecurityGroup {
                    name: name.into(),
                    description: name.into(),
                    vpc_id: Some(vpc.clone()),
                    tags: vec![],
                },
            );
            let arn = format!("arn:aws:ec2:{REGION}:{O}:security-group/{id}");
            w.resources.push((id, arn));
        }
        w
    }

    fn principal_text(&self, p: Principal) -> String {
        let org = &self.cloud.orgs.orgs[&self.org];
        match p {
            Principal::Member(i) => MEMBERS[i].into(),
            Principal::Outsider => X.into(),
            Principal::Organization => org.arn(),
            Principal::Unit1 => org.unit_arn(&self.unit1),
            Principal::Unit2 => org.unit_arn(&self.unit2),
        }
    }

    fn place_id(&self, p: Place) -> String {
        match p {
            Place::Root => self.root.clone(),
            Place::Unit1 => self.unit1.clone(),
            Place::Unit2 => self.unit2.clone(),
        }
    }
}

/// The reference model: shares as sets, and where each member sits.
#[derive(Debug, Default)]
struct Model {
    /// Per share (in creation order): live?, resources, principals.
    shares: Vec<(bool, BTreeSet<usize>, BTreeSet<Principal>)>,
    /// Member index → its place, while it is in the organization.
    members: BTreeMap<usize, Place>,
}

impl Model {
    fn new() -> Model {
        Model {
            shares: Vec::new(),
            members: (0..3).map(|i| (i, Place::Root)).collect(),
        }
    }

    fn reaches(&self, principal: Principal, member: usize) -> bool {
        let Some(place) = self.members.get(&member) else {
            return false;
        };
        match principal {
            Principal::Member(i) => i == member,
            Principal::Outsider => false,
            Principal::Organization => true,
            Principal::Unit1 => matches!(place, Place::Unit1 | Place::Unit2),
            Principal::Unit2 => *place == Place::Unit2,
        }
    }

    /// Which of the four resources a member may see now.
    fn visible(&self, member: usize) -> BTreeSet<usize> {
        self.shares
            .iter()
            .filter(|(live, _, principals)| {
                *live && principals.iter().any(|p| self.reaches(*p, member))
            })
            .flat_map(|(_, resources, _)| resources.iter().copied())
            .collect()
    }
}

fn apply(w: &mut World, m: &mut Model, op: &Op) {
    let texts =
        |w: &World, ps: &[Principal]| ps.iter().map(|p| w.principal_text(*p)).collect::<Vec<_>>();
    let arns = |w: &World, rs: &[usize]| {
        rs.iter()
            .map(|r| w.resources[*r].1.clone())
            .collect::<Vec<_>>()
    };
    match op {
        Op::Create {
            resources,
            principals,
        } => {
            let command = Command::Ram(RamCommand::CreateShare {
                name: format!("share-{}", w.shares.len()),
                resources: arns(w, resources),
                principals: texts(w, principals),
                tags: vec![],
                allow_external: false,
                permissions: vec![],
                client_token: None,
            });
            if let Ok(Outcome::Id(arn)) = w.run(O, command) {
                w.shares.push(arn);
                m.shares.push((
                    true,
                    resources.iter().copied().collect(),
                    principals.iter().copied().collect(),
                ));
            }
        }
        Op::Delete(i) => {
            let Some(arn) = w.shares.get(*i).cloned() else {
                return;
            };
            let command = Command::Ram(RamCommand::DeleteShare {
                share: arn,
                client_token: None,
            });
            if w.run(O, command).is_ok() {
                m.shares[*i].0 = false;
            }
        }
        Op::Associate {
            share,
            resources,
            principals,
        }
        | Op::Disassociate {
            share,
            resources,
            principals,
        } => {
            let Some(arn) = w.shares.get(*share).cloned() else {
                return;
            };
            let associate = matches!(op, Op::Associate { .. });
            let (resources_text, principals_text) = (arns(w, resources), texts(w, principals));
            let command = Command::Ram(if associate {
                RamCommand::Associate {
                    share: arn,
                    resources: resources_text,
                    principals: principals_text,
                    client_token: None,
                }
            } else {
                RamCommand::Disassociate {
                    share: arn,
                    resources: resources_text,
                    principals: principals_text,
                    client_token: None,
                }
            });
            if w.run(O, command).is_ok() {
                let (_, rs, ps) = &mut m.shares[*share];
                if associate {
                    rs.extend(resources.iter().copied());
                    ps.extend(principals.iter().copied());
                } else {
                    for r in resources {
                        rs.remove(r);
                    }
                    for p in principals {
                        ps.remove(p);
                    }
                }
            }
        }
        Op::Move(i, to) => {
            let Some(from) = m.members.get(i).copied() else {
                return;
            };
            let command = Command::Org(OrgCommand::MoveAccount {
                account_id: MEMBERS[*i].into(),
                source: w.place_id(from),
                destination: w.place_id(*to),
            });
            if w.run(M, command).is_ok() {
                m.members.insert(*i, *to);
            }
        }
        Op::Remove(i) => {
            let command = Command::Org(OrgCommand::RemoveAccount {
                account_id: MEMBERS[*i].into(),
            });
            if w.run(M, command).is_ok() {
                m.members.remove(i);
            }
        }
    }
}

/// The model and the cloud agree on every member's view, by lookup and by listing, and on
/// which shared groups it may attach; the outsider and other Regions see nothing.
fn check(w: &World, m: &Model) -> std::result::Result<(), TestCaseError> {
    let page = Page::default();
    for (i, account) in MEMBERS.iter().enumerate() {
        let c = Caller::new(account, REGION);
        let expected = m.visible(i);
        let by_lookup: BTreeSet<usize> = (0..4)
            .filter(|r| {
                let id = &w.resources[*r].0;
                if *r < 2 {
                    w.cloud.visible_subnet(&c, id).is_ok()
                } else {
                    w.cloud.visible_group(&c, id).is_ok()
                }
            })
            .collect();
        prop_assert_eq!(&by_lookup, &expected, "lookups of member {}", i);
        let listed: BTreeSet<String> = w
            .cloud
            .describe_subnets(&c, &[], &[], &page)
            .unwrap()
            .0
            .into_iter()
            .map(|s| s.id.clone())
            .chain(
                w.cloud
                    .describe_groups(&c, &[], &[], &[], &page)
                    .unwrap()
                    .0
                    .into_iter()
                    .map(|g| g.id.to_string()),
            )
            .collect();
        let listed: BTreeSet<usize> = (0..4)
            .filter(|r| listed.contains(&w.resources[*r].0))
            .collect();
        prop_assert_eq!(&listed, &expected, "listing of member {}", i);
        for r in 2..4 {
            let g = &w.cloud.groups[w.resources[r].0.as_str()];
            prop_assert_eq!(w.cloud.may_attach_group(&c, g), expected.contains(&r));
        }
        let west = Caller::new(account, "us-west-2");
        prop_assert!((0..2).all(|r| w.cloud.visible_subnet(&west, &w.resources[r].0).is_err()));
    }
    let outsider = Caller::new(X, REGION);
    prop_assert!((0..2).all(|r| w
        .cloud
        .visible_subnet(&outsider, &w.resources[r].0)
        .is_err()));
    prop_assert!((2..4).all(|r| w.cloud.visible_group(&outsider, &w.resources[r].0).is_err()));
    let owner = Caller::new(O, REGION);
    prop_assert!((0..2).all(|r| w.cloud.visible_subnet(&owner, &w.resources[r].0).is_ok()));
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn what_members_see_follows_the_sharing_rules(ops in prop::collection::vec(op(), 1..25)) {
        let mut w = World::new();
        let mut m = Model::new();
        for (i, op) in ops.iter().enumerate() {
            // Halfway, the cloud goes through a snapshot; what follows runs on the copy.
            if i == ops.len() / 2 {
                w.cloud = through_snapshot(&w.cloud)?;
                check(&w, &m)?;
            }
            apply(&mut w, &mut m, op);
            check(&w, &m)?;
        }
    }
}

/// The cloud written out as a snapshot is and read back: the copy must serialise identically.
fn through_snapshot(cloud: &Cloud) -> std::result::Result<Cloud, TestCaseError> {
    let written = serde_json::to_value(cloud).unwrap();
    let copy: Cloud = serde_json::from_value(written.clone()).unwrap();
    let copy = copy.restored(Limits::default());
    prop_assert_eq!(serde_json::to_value(&copy).unwrap(), written);
    Ok(copy)
}
