//! How much memory the domain holds for N security groups of three rules each:
//! `cargo run --release -p cloud --example footprint -- 10000`.

use cloud::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static COUNT: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        COUNT.fetch_add(1, Ordering::Relaxed);
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        COUNT.fetch_sub(1, Ordering::Relaxed);
        unsafe { System.dealloc(p, l) }
    }
}

#[global_allocator]
static A: Counting = Counting;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let mut cloud = Cloud::new(Limits {
        groups_per_region: usize::MAX,
        ..Limits::default()
    });
    let mut seq = 0;
    let mut run = |cloud: &mut Cloud, command: Command| {
        seq += 1;
        let env = Envelope {
            account: "111111111111".into(),
            region: "us-east-1".into(),
            at: 0,
            command,
        };
        cloud.execute(&env, &mut Ids::new(1, seq)).unwrap()
    };
    run(&mut cloud, Command::OpenRegion);
    let Outcome::Id(vpc) = run(
        &mut cloud,
        Command::CreateVpc {
            cidr: "10.0.0.0/16".parse().unwrap(),
            instance_tenancy: None,
            tags: vec![],
            amazon_ipv6: false,
        },
    ) else {
        panic!()
    };
    let before = (LIVE.load(Ordering::Relaxed), COUNT.load(Ordering::Relaxed));
    for i in 0..n {
        let Outcome::Id(g) = run(
            &mut cloud,
            Command::CreateSecurityGroup {
                name: format!("g{i}"),
                description: "bench".into(),
                vpc_id: Some(vpc.clone()),
                tags: vec![],
            },
        ) else {
            panic!()
        };
        for k in 0..2 {
            let spec = RuleSpec {
                protocol: "tcp".into(),
                from_port: Some(443),
                to_port: Some(443),
                peer: Peer::Cidr4(
                    format!("10.{}.{}.{k}/32", i % 250, i / 250)
                        .parse()
                        .unwrap(),
                ),
                description: None,
            };
            run(
                &mut cloud,
                Command::AuthorizeRules {
                    group: GroupRef::Id(g.clone()),
                    egress: false,
                    rules: vec![spec],
                    tags: vec![],
                },
            );
        }
    }
    let live = LIVE.load(Ordering::Relaxed) - before.0;
    let count = COUNT.load(Ordering::Relaxed) - before.1;
    println!("{n} groups x 3 rules: {:.1} MiB live in {count} allocations ({} B/group, {:.1} allocations/group)", live as f64 / 1048576.0, live / n, count as f64 / n as f64);
    // The same cloud read back from a snapshot holds the same memory.
    let written = serde_json::to_vec(&cloud).unwrap();
    let (base, base_count) = (LIVE.load(Ordering::Relaxed), COUNT.load(Ordering::Relaxed));
    let copy: Cloud = serde_json::from_slice::<Cloud>(&written)
        .unwrap()
        .restored(Limits::default());
    let restored = LIVE.load(Ordering::Relaxed) - base;
    let restored_count = COUNT.load(Ordering::Relaxed) - base_count;
    println!(
        "read back from a {:.1} MiB snapshot: {:.1} MiB live in {restored_count} allocations",
        written.len() as f64 / 1048576.0,
        restored as f64 / 1048576.0
    );
    drop(copy);
    println!(
        "size_of: SecurityGroup {} Rule {} Peer {}",
        std::mem::size_of::<SecurityGroup>(),
        std::mem::size_of::<Rule>(),
        std::mem::size_of::<Peer>()
    );
}
