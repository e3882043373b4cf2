//! An emulator in the test's own process, on a free loopback port, for Rust test suites.
//!
//! ```no_run
//! use cnode_emulator::{Settings, TestServer};
//!
//! let server = TestServer::start(Settings::for_tests()).unwrap();
//! println!("point your SOAP client at {}", server.url());
//! // The engine, its world and its clock are at hand:
//! server.engine().clock().advance(std::time::Duration::from_secs(3600));
//! ```

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use actix_web::dev::ServerHandle;

use crate::config::Settings;
use crate::engine::Engine;
use crate::startup::Emulator;

pub struct TestServer {
    addr: SocketAddr,
    engine: Arc<Engine>,
    handle: ServerHandle,
    thread: Option<JoinHandle<io::Result<()>>>,
}

impl Settings {
    /// Loopback on a free port, one worker, the default world, tasks that finish at once,
    /// and a frozen clock that only the test moves.
    pub fn for_tests() -> Settings {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            workers: Some(1),
            frozen_clock: true,
            engine: crate::engine::EngineConfig {
                step: std::time::Duration::ZERO,
                ..Default::default()
            },
            ..Settings::default()
        }
    }
}

impl TestServer {
    /// Starts the emulator on its own thread and returns once it accepts connections.
    pub fn start(settings: Settings) -> io::Result<TestServer> {
        let (started_tx, started_rx) = std::sync::mpsc::channel();
        let thread = std::thread::Builder::new()
            .name("cnode-emulator".into())
            .spawn(move || {
                actix_web::rt::System::new().block_on(async move {
                    let emulator = match Emulator::bind(settings) {
                        Ok(emulator) => emulator,
                        Err(error) => {
                            let _ = started_tx
                                .send(Err(io::Error::new(error.kind(), error.to_string())));
                            return Err(error);
                        }
                    };
                    let started = (
                        emulator.local_addr(),
                        emulator.engine().clone(),
                        emulator.handle(),
                    );
                    let _ = started_tx.send(Ok(started));
                    emulator.run().await
                })
            })?;
        let (addr, engine, handle) = started_rx
            .recv()
            .map_err(|_| io::Error::other("the emulator thread ended before starting"))??;
        Ok(TestServer {
            addr,
            engine,
            handle,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The SOAP endpoint, e.g. `http://127.0.0.1:40123/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        // Sending the stop command is immediate; the thread ends once the server has stopped.
        drop(self.handle.stop(false));
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
