//! Start ramparts in-process on a loopback port for the SDK tests.

use api::{Engine, EngineConfig, Limits, Services};
use std::net::SocketAddr;
use std::sync::Arc;

pub struct Running {
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
}

impl Running {
    pub fn endpoint(&self) -> String {
        format!("http://{}", self.addr)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(tx) = self.stop.take() {
            let _ = tx.send(());
        }
    }
}

/// A memory-only ramparts with deterministic ids, serving on a free loopback port.
pub async fn start() -> Running {
    let engine = Engine::open(EngineConfig {
        data_dir: None,
        seed: Some(7),
        limits: Limits::default(),
        compact_floor: 0,
    })
    .expect("memory engine opens");
    let state = server::AppState {
        services: Services::new(Arc::new(engine)),
        default_account: "000000000000".into(),
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind loopback");
    let addr = listener.local_addr().expect("bound address");
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(server::serve_on(listener, state, async {
        let _ = rx.await;
    }));
    Running {
        addr,
        stop: Some(tx),
    }
}
