//! `ramparts`: a local multi-account AWS for networking, sharing and permissions.

use api::{Engine, EngineConfig, Services};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "ramparts",
    version,
    about = "A local multi-account AWS: EC2 networking, RAM, Organizations, IAM and STS on one port."
)]
struct Cli {
    #[command(subcommand)]
    command: Commands,
}

#[derive(Subcommand)]
enum Commands {
    /// Answer the AWS APIs on one HTTP port until interrupted.
    Serve(ServeArgs),
    /// Check a data directory's log without changing it (exit status 1 if a start would
    /// refuse it), or with --salvage recover what came before its damage.
    Fsck(FsckArgs),
    /// Ask a running ramparts whether one thing can reach another, and why or why not:
    /// `ramparts reach eni-a eni-b tcp/443` (a destination may also be an internet gateway
    /// or an IPv4 address), or `ramparts reach --all vpc-…|ACCOUNT tcp/443` for every pair of
    /// interfaces there (the pairs found, then how many of how many). Exit status 1 when the
    /// one path asked for is not found.
    Reach(ReachArgs),
    /// Audit every account of a running ramparts: exposure of groups, sharing hygiene, IAM
    /// grants, naming and tagging conventions. A table by default; --format json or sarif.
    Audit(AuditArgs),
}

#[derive(Args)]
struct AuditArgs {
    /// The ramparts to ask.
    #[arg(
        long,
        default_value = "http://127.0.0.1:4566",
        env = "RAMPARTS_ENDPOINT"
    )]
    endpoint: String,

    /// table, json or sarif (SARIF 2.1.0, for code-scanning UIs).
    #[arg(long, default_value = "table")]
    format: String,

    /// A TOML file: `trusted_accounts`, `pending_invitation_days`, and `[[convention]]`
    /// tables (`resource`, `name` pattern, required `tags`).
    #[arg(long, value_name = "FILE")]
    settings: Option<PathBuf>,

    /// Exit with status 1 when a finding is this severe or worse (info, low, medium, high,
    /// critical): a CI gate.
    #[arg(long, value_name = "SEVERITY", value_parser = severity)]
    fail_on: Option<analysis::audit::Severity>,
}

fn severity(s: &str) -> Result<analysis::audit::Severity, String> {
    analysis::audit::Severity::parse(s)
        .ok_or_else(|| "a severity is info, low, medium, high or critical".into())
}

#[derive(Args)]
struct ReachArgs {
    /// The ramparts to ask.
    #[arg(
        long,
        default_value = "http://127.0.0.1:4566",
        env = "RAMPARTS_ENDPOINT"
    )]
    endpoint: String,

    /// Every ordered pair of interfaces in this VPC (vpc-…) or account (12 digits).
    #[arg(long, value_name = "SCOPE")]
    all: Option<String>,

    /// SOURCE DESTINATION [TRAFFIC] (without --all) or [TRAFFIC] (with it). TRAFFIC is
    /// tcp or udp with a port or range: tcp/443, udp/53, tcp/1024-65535, tcp (every port).
    #[arg(value_name = "ARGS")]
    args: Vec<String>,
}

#[derive(Args)]
struct FsckArgs {
    /// The data directory to check (it must not be in use by a running ramparts).
    #[arg(long, default_value = "ramparts-data", env = "RAMPARTS_DATA_DIR")]
    data_dir: PathBuf,

    /// Keep the damaged log aside (as commands.log.damaged-N) and make a new log of every
    /// record before the first damaged or unreplayable one. Only ever done when asked.
    #[arg(long)]
    salvage: bool,
}

#[derive(Args)]
struct ServeArgs {
    /// Address and port to listen on.
    #[arg(long, default_value = "127.0.0.1:4566", env = "RAMPARTS_LISTEN")]
    listen: SocketAddr,

    /// Directory of the embedded store; created if missing. Every acknowledged change is in
    /// it before the response is sent.
    #[arg(long, default_value = "ramparts-data", env = "RAMPARTS_DATA_DIR")]
    data_dir: PathBuf,

    /// Keep everything in memory: nothing is written, everything is lost on exit.
    #[arg(long, conflicts_with = "data_dir")]
    ephemeral: bool,

    /// Account for access keys that are not 12-digit account ids (nor keys ramparts issued).
    #[arg(long, default_value = "000000000000", env = "RAMPARTS_DEFAULT_ACCOUNT", value_parser = account_id)]
    default_account: String,

    /// Derive every id (and the clock) from this seed, for reproducible runs. A data
    /// directory keeps the seed it was created with.
    #[arg(long)]
    seed: Option<u64>,

    /// VPCs per account and Region (AWS's default quota is 5).
    #[arg(long, default_value_t = 5)]
    vpcs_per_region: usize,

    /// Security groups per account and Region.
    #[arg(long, default_value_t = 2500)]
    groups_per_region: usize,

    /// How IAM applies to the users and role sessions ramparts issues: `enforce` refuses what
    /// AWS would, `soft` logs each would-be refusal with its reason and allows, `off` allows
    /// everything. An account's root (12-digit keys) is always allowed in its own account.
    #[arg(
        long,
        default_value = "enforce",
        value_name = "MODE",
        env = "RAMPARTS_IAM"
    )]
    iam: api::authorize::Mode,

    /// A TOML file declaring the organization to start with: management account, OUs and
    /// member accounts with fixed ids (see README). Re-applied after every reset.
    #[arg(long, env = "RAMPARTS_CONFIG")]
    config: Option<PathBuf>,

    /// Replace the command log with a snapshot of the state once the commands logged since the
    /// last snapshot reach this size (bytes, or with a K, M or G suffix) and outweigh that
    /// snapshot. 0 never does: the log then only grows, and start-up replays all of it.
    #[arg(long, default_value = "64M", value_name = "SIZE", value_parser = size)]
    compact_log_at: u64,
}

fn size(s: &str) -> Result<u64, String> {
    let (digits, shift) = match s.as_bytes().last() {
        Some(b'K' | b'k') => (&s[..s.len() - 1], 10),
        Some(b'M' | b'm') => (&s[..s.len() - 1], 20),
        Some(b'G' | b'g') => (&s[..s.len() - 1], 30),
        _ => (s, 0),
    };
    digits
        .parse::<u64>()
        .ok()
        .and_then(|n| n.checked_mul(1 << shift))
        .ok_or_else(|| {
            "a size is a whole number of bytes, optionally with a K, M or G suffix".into()
        })
}

fn account_id(s: &str) -> Result<String, String> {
    if s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit()) {
        Ok(s.to_string())
    } else {
        Err("an account id is 12 digits".into())
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    tracing::info!("shutting down");
}

async fn serve(args: ServeArgs) -> Result<(), String> {
    let limits = cloud_limits(&args);
    let engine = Engine::open(EngineConfig {
        data_dir: (!args.ephemeral).then_some(args.data_dir.as_path()),
        seed: args.seed,
        limits,
        compact_floor: args.compact_log_at,
    })
    .map_err(|e| e.to_string())?;
    let mut services = Services::new(Arc::new(engine)).with_iam(args.iam);
    if let Some(path) = &args.config {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let config =
            api::config::Config::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        let had_state = services.engine.stored_settings().seq > 0;
        let (declared, applied) = services.with_declared(config);
        services = declared;
        match applied {
            Ok(tickets) => {
                for t in tickets {
                    t.durable().await.map_err(|e| e.to_string())?;
                }
            }
            // The flag may not make what the directory holds unreachable: serve it as it is.
            Err(e) if had_state => tracing::warn!(
                config = %path.display(),
                error = %e,
                "the declared organization contradicts the state; serving the state as it is"
            ),
            Err(e) => return Err(format!("{}: {e}", path.display())),
        }
    }
    let state = server::AppState {
        services,
        default_account: args.default_account,
    };
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    tracing::info!(address = %bound, "ramparts listening");
    server::serve_on(listener, state, shutdown_signal())
        .await
        .map_err(|e| e.to_string())
}

/// `tcp/443` → ("tcp", "443"); `udp` → ("udp", "all").
fn traffic(text: Option<&String>) -> (String, String) {
    let text = text.map_or("tcp", String::as_str);
    match text.split_once('/') {
        Some((p, ports)) => (p.to_string(), ports.to_string()),
        None => (text.to_string(), "all".to_string()),
    }
}

fn reach(args: ReachArgs) -> std::process::ExitCode {
    use std::process::ExitCode;
    let mut query: Vec<(&str, String)> = Vec::new();
    let rest = match &args.all {
        Some(scope) => {
            query.push(("all", scope.clone()));
            &args.args[..]
        }
        None => {
            match &args.args[..] {
                [source, destination, rest @ ..] => {
                    query.push(("source", source.clone()));
                    let key = if destination.parse::<std::net::Ipv4Addr>().is_ok() {
                        "destination_ip"
                    } else {
                        "destination"
                    };
                    query.push((key, destination.clone()));
                    rest
                }
                _ => {
                    eprintln!("ramparts reach: give SOURCE DESTINATION [TRAFFIC], or --all SCOPE [TRAFFIC]");
                    return ExitCode::from(2);
                }
            }
        }
    };
    if rest.len() > 1 {
        eprintln!("ramparts reach: unexpected arguments after {}", rest[0]);
        return ExitCode::from(2);
    }
    let (protocol, ports) = traffic(rest.first());
    query.push(("protocol", protocol));
    query.push(("port", ports));
    let url = format!("{}/_ramparts/reach", args.endpoint.trim_end_matches('/'));
    let mut request = ureq::get(&url);
    for (k, v) in &query {
        request = request.query(k, v);
    }
    let body: serde_json::Value = match request.call() {
        Ok(r) => match r.into_json() {
            Ok(b) => b,
            Err(e) => {
                eprintln!("ramparts reach: unreadable answer from {url}: {e}");
                return ExitCode::from(2);
            }
        },
        Err(ureq::Error::Status(_, r)) => {
            let text = r.into_string().unwrap_or_default();
            eprintln!("ramparts reach: {text}");
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("ramparts reach: cannot ask {url}: {e}");
            return ExitCode::from(2);
        }
    };
    let results = body["results"].as_array().cloned().unwrap_or_default();
    for r in &results {
        println!("{}", r["line"].as_str().unwrap_or_default());
    }
    if args.all.is_some() {
        println!(
            "{} of {} pairs reachable",
            body["reachable"].as_u64().unwrap_or_default(),
            body["pairs"].as_u64().unwrap_or_default()
        );
    }
    let all_found = results.iter().all(|r| r["reachable"] == true);
    if args.all.is_none() && !all_found {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn audit(args: AuditArgs) -> std::process::ExitCode {
    use std::process::ExitCode;
    let settings = match &args.settings {
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) => {
                eprintln!("ramparts audit: cannot read {}: {e}", path.display());
                return ExitCode::from(2);
            }
        },
        None => String::new(),
    };
    let url = format!("{}/_ramparts/audit", args.endpoint.trim_end_matches('/'));
    let answer = ureq::post(&url)
        .query("format", &args.format)
        .send_string(&settings);
    let response = match answer {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => {
            eprintln!("ramparts audit: {}", r.into_string().unwrap_or_default());
            return ExitCode::from(2);
        }
        Err(e) => {
            eprintln!("ramparts audit: cannot ask {url}: {e}");
            return ExitCode::from(2);
        }
    };
    let worst = response
        .header("x-ramparts-worst-severity")
        .and_then(analysis::audit::Severity::parse);
    match response.into_string() {
        Ok(text) => print!("{text}"),
        Err(e) => {
            eprintln!("ramparts audit: unreadable answer from {url}: {e}");
            return ExitCode::from(2);
        }
    }
    match (args.fail_on, worst) {
        (Some(gate), Some(w)) if w >= gate => ExitCode::from(1),
        _ => ExitCode::SUCCESS,
    }
}

fn fsck(args: FsckArgs) -> std::process::ExitCode {
    use std::process::ExitCode;
    if !args.salvage {
        return match api::fsck::check(&args.data_dir) {
            Ok(report) => {
                print!("{report}");
                if report.blocks_start() {
                    println!(
                        "a start refuses this log; `ramparts fsck --data-dir {} --salvage` keeps \
                         the {} records before the damage ({} from the damage on would be \
                         lost) and sets the damaged log aside",
                        args.data_dir.display(),
                        report.good,
                        report.lost()
                    );
                    ExitCode::from(1)
                } else {
                    ExitCode::SUCCESS
                }
            }
            Err(e) => {
                eprintln!("ramparts fsck: {e}");
                ExitCode::from(2)
            }
        };
    }
    match api::fsck::salvage(&args.data_dir) {
        Ok(done) => {
            print!("{}", done.before);
            println!(
                "salvaged: the log now holds the {} records before the damage{}; {} records \
                 from the damage on ({} bytes) are not in it. The damaged log is kept, \
                 unchanged, as {}",
                done.before.good,
                done.before
                    .last_seq
                    .map(|n| format!(", through sequence number {n}"))
                    .unwrap_or_default(),
                done.before.lost(),
                done.bytes_dropped,
                done.kept_as.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("ramparts fsck: {e}");
            ExitCode::from(2)
        }
    }
}

fn cloud_limits(args: &ServeArgs) -> api::Limits {
    api::Limits {
        vpcs_per_region: args.vpcs_per_region,
        groups_per_region: args.groups_per_region,
        ..api::Limits::default()
    }
}

/// glibc raises its mmap threshold each time a large block is freed, after which multi-MB
/// buffers (the log read at start-up, snapshots, describe-everything responses) come from the
/// heap and stay resident long after they are dropped. A fixed threshold hands them back.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn return_large_buffers_to_the_os() {
    // SAFETY: mallopt only adjusts allocator parameters; called before any other thread starts.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn return_large_buffers_to_the_os() {}

fn main() -> std::process::ExitCode {
    return_large_buffers_to_the_os();
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = match cli.command {
        Commands::Serve(args) => args,
        Commands::Fsck(args) => return fsck(args),
        Commands::Reach(args) => return reach(args),
        Commands::Audit(args) => return audit(args),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            eprintln!("ramparts: cannot start the runtime: {e}");
            return std::process::ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(serve(args));
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ramparts: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
