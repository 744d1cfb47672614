//! Project chores that are code, not build steps.
//!
//! `cargo xtask models [--botocore DIR]` trims botocore's service models to what the allow-list
//! reaches (names, types, locations, enums, limits; never documentation) and writes them to
//! `crates/wire/models/`. `cargo xtask codegen [--check]` turns those trimmed models into the Rust
//! shapes and codecs under `crates/wire/src/gen/`; with `--check` it fails when the committed
//! files differ from what it would write. `cargo xtask authz [--check]` does the same for the
//! IAM Service Authorization Reference (see `authz`).

mod authz;
mod codegen;
mod models;

use std::path::PathBuf;
use std::process::ExitCode;

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("models") => {
            let dir = args
                .iter()
                .position(|a| a == "--botocore")
                .and_then(|i| args.get(i + 1))
                .map(PathBuf::from);
            models::run(&repo_root(), dir)
        }
        Some("codegen") => codegen::run(&repo_root(), args.iter().any(|a| a == "--check")),
        Some("authz") => authz::run(&repo_root(), args.iter().any(|a| a == "--check")),
        _ => Err(
            "usage: cargo xtask models [--botocore DIR] | codegen [--check] | authz [--check]"
                .to_string(),
        ),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}
