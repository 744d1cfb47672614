//! The HTTP front of ramparts: one port for EC2, IAM, STS, RAM and Organizations.
//!
//! A request travels one way: route (which service and operation), authenticate (which
//! account and Region), decode and execute (the generated `dispatch` of the service), wait
//! until what it changed is durable, encode. Every refusal leaves in the protocol's own
//! error envelope.

mod insight;
mod protocol;

use api::{Ctx, Services};
use axum::body::{to_bytes, Bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use protocol::Service;
use std::sync::Arc;
use std::time::Instant;
use wire::ApiError;

/// Largest request body accepted; AWS's own limits are far below this for these APIs.
pub const MAX_BODY: usize = 4 << 20;

#[derive(Clone)]
pub struct AppState {
    pub services: Services,
    pub default_account: String,
}

pub fn app(state: AppState) -> Router {
    Router::new()
        .route("/_ramparts/health", get(health))
        .route("/_ramparts/reset", post(reset))
        .route("/_ramparts/snapshot", post(snapshot))
        .route("/_ramparts/reach", get(reach))
        .route("/_ramparts/audit", get(audit).post(audit))
        .route("/moto-api/reset", post(reset))
        .fallback(handle)
        .with_state(Arc::new(state))
}

async fn health(State(state): State<Arc<AppState>>) -> Response {
    let engine = &state.services.engine;
    let body = serde_json::json!({
        "status": "ok",
        "version": env!("CARGO_PKG_VERSION"),
        "uptime_seconds": engine.uptime().as_secs_f64(),
        "store": engine.store(),
        // Kept in the log: the same after every restart, whatever the flags say.
        "state": engine.stored_settings(),
        // From this process's command line: they govern new requests only.
        "process": {
            "default_account": state.default_account,
            "quotas": engine.limits(),
            "compact_log_at": engine.compact_floor(),
            "organization_declared": state.services.declares_organization(),
            "iam": state.services.iam_mode().name(),
        },
    });
    json_response(StatusCode::OK, body.to_string())
}

async fn reset(State(state): State<Arc<AppState>>) -> Response {
    let mut outcome = Ok(());
    for ticket in state.services.reset() {
        if let Err(e) = ticket.durable().await {
            outcome = Err(e);
        }
    }
    match outcome {
        Ok(()) => json_response(StatusCode::OK, r#"{"status":"ok","reset":true}"#.into()),
        Err(e) => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "status": "error", "message": e.to_string() }).to_string(),
        ),
    }
}

async fn reach(State(state): State<Arc<AppState>>, uri: axum::http::Uri) -> Response {
    let query = uri.query().unwrap_or_default().to_string();
    let (status, body) = state
        .services
        .engine
        .read(|cloud| insight::reach(cloud, &query));
    json_response(status, body.to_string())
}

async fn audit(State(state): State<Arc<AppState>>, uri: axum::http::Uri, body: Bytes) -> Response {
    let query = uri.query().unwrap_or_default().to_string();
    let settings = String::from_utf8_lossy(&body).into_owned();
    let engine = &state.services.engine;
    let now = engine.time();
    let (status, kind, text, worst) =
        engine.read(|cloud| insight::audit(cloud, &query, &settings, now));
    let mut response = (status, [("content-type", kind)], text).into_response();
    if let Some(w) = worst {
        response.headers_mut().insert(
            "x-ramparts-worst-severity",
            axum::http::HeaderValue::from_static(w),
        );
    }
    response
}

/// Replace the log with a snapshot now, instead of when it has grown enough.
async fn snapshot(State(state): State<Arc<AppState>>) -> Response {
    let (seq, ticket) = state.services.engine.snapshot();
    match ticket.durable().await {
        Ok(()) => json_response(
            StatusCode::OK,
            serde_json::json!({ "status": "ok", "seq": seq }).to_string(),
        ),
        Err(e) => json_response(
            StatusCode::INTERNAL_SERVER_ERROR,
            serde_json::json!({ "status": "error", "message": e.to_string() }).to_string(),
        ),
    }
}

fn json_response(status: StatusCode, body: String) -> Response {
    (status, [("content-type", "application/json")], body).into_response()
}

async fn handle(State(state): State<Arc<AppState>>, req: Request) -> Response {
    let started = Instant::now();
    let request_id = request_id();
    // The peer's address, as `aws:SourceIp` (absent when served without connection info).
    let source_ip = req
        .extensions()
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|info| info.0.ip());
    let (parts, body) = req.into_parts();
    let body = match to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => {
            let guess = protocol::guess(&parts.method, &parts.uri, &parts.headers, None);
            let e = ApiError::new(
                "RequestEntityTooLarge",
                413,
                format!("Request body larger than {MAX_BODY} bytes"),
            );
            return protocol::error_response(guess, &e, &request_id);
        }
    };
    let service = protocol::guess(&parts.method, &parts.uri, &parts.headers, Some(&body));
    let outcome = serve(&state, service, &parts, &body, &request_id, source_ip).await;
    let (status, operation, account, response) = match outcome {
        Ok(done) => (200, done.operation, done.account, done.response),
        Err(failed) => (
            failed.error.status,
            failed.operation,
            failed.account,
            protocol::error_response(service, &failed.error, &request_id),
        ),
    };
    tracing::info!(
        service = service.name(),
        operation = %operation,
        account = %account,
        status,
        micros = started.elapsed().as_micros() as u64,
        "request"
    );
    response
}

/// A version-4-shaped UUID per request without a system call: a random base chosen once per
/// process, advanced by a counter.
fn request_id() -> String {
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::OnceLock;
    static BASE: OnceLock<u128> = OnceLock::new();
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let base = *BASE.get_or_init(|| uuid::Uuid::new_v4().as_u128());
    let n = COUNTER.fetch_add(1, Ordering::Relaxed) as u128;
    uuid::Builder::from_u128(base ^ n)
        .with_version(uuid::Version::Random)
        .with_variant(uuid::Variant::RFC4122)
        .into_uuid()
        .to_string()
}

struct Done {
    operation: String,
    account: String,
    response: Response,
}

struct Failed {
    operation: String,
    account: String,
    error: ApiError,
}

async fn serve(
    state: &AppState,
    service: Service,
    parts: &axum::http::request::Parts,
    body: &Bytes,
    request_id: &str,
    source_ip: Option<std::net::IpAddr>,
) -> Result<Done, Failed> {
    let (method, uri, headers) = (&parts.method, &parts.uri, &parts.headers);
    let fail = |operation: &str, account: &str, error: ApiError| Failed {
        operation: operation.to_string(),
        account: account.to_string(),
        error,
    };
    let request =
        protocol::decode(service, method, uri, headers, body).map_err(|e| fail("-", "-", e))?;
    let op = request.operation.clone();
    let credential = protocol::credential(service, headers, uri).map_err(|e| fail(&op, "-", e))?;
    let token = protocol::session_token(headers, uri);
    let principal = state
        .services
        .principal(
            &credential.access_key_id,
            token.as_deref(),
            &state.default_account,
            |secret| protocol::signed_with(&credential, secret, method, uri, headers, body),
        )
        .map_err(|e| fail(&op, "-", protocol::credential_error(service, e)))?;
    let account = principal.account.clone();
    let mut ctx = Ctx::new(principal, &credential.region, request_id);
    ctx.source_ip = source_ip;
    let result = protocol::dispatch(&state.services, &mut ctx, service, &request, request_id);
    // Answer only once what this request changed is durable.
    for ticket in std::mem::take(&mut ctx.tickets) {
        ticket.durable().await.map_err(|e| {
            tracing::error!(error = %e, "durability failed");
            fail(
                &op,
                &account,
                ApiError::new(
                    "InternalError",
                    500,
                    "The change could not be made durable.",
                ),
            )
        })?;
    }
    let body = result.map_err(|e| fail(&op, &account, e))?;
    Ok(Done {
        operation: op,
        account,
        response: protocol::success_response(service, body, request_id),
    })
}

/// Serve until the future resolves (ctrl-c or SIGTERM in the binary).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown)
        .await
}
