//! An emulator in the test's own process, on a free loopback port, for Rust test suites.
//!
//! ```
//! use std::time::Duration;
//! use cnode_emulator::cnode::status::Status;
//! use cnode_emulator::engine::TaskFilter;
//! use cnode_emulator::{Settings, TestServer};
//!
//! // The default world, tasks that finish at once, a frozen clock, a free port.
//! let server = TestServer::start(Settings::for_tests()).unwrap();
//! let url = server.url(); // point your SOAP client here
//! # let _ = url;
//!
//! // ... your client calls startLogin, giveMoneyRequest, ...
//!
//! // Inspect and steer what happened, as the admin API would:
//! for task in server.tasks(&TaskFilter::default()) {
//!     println!("{} {} {}", task.task_id, task.type_name, task.status);
//! }
//! server.advance(Duration::from_secs(3600)); // past the task TTL: everything expires
//! assert!(server.tasks(&TaskFilter::default()).is_empty());
//! assert_eq!(server.journal_count(Some("giveMoneyRequest")), 0);
//! server.reset();
//! # let _ = Status::FinishedOk;
//! ```

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;
use std::thread::JoinHandle;

use std::time::Duration;

use actix_web::dev::ServerHandle;
use actix_web::web;

use crate::cnode::status::Status;
use crate::cnode::task::parse_task_id;
use crate::config::Settings;
use crate::engine::{Engine, ForceError, TaskDetail, TaskFilter};
use crate::journal::Exchange;
use crate::startup::Emulator;
use crate::state::AppState;

pub struct TestServer {
    addr: SocketAddr,
    admin_addr: Option<SocketAddr>,
    engine: Arc<Engine>,
    state: web::Data<AppState>,
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
            cnode: crate::cnode::CnodeConfig {
                step: std::time::Duration::ZERO,
                ..Default::default()
            },
            mobizon: crate::mobizon::Config {
                pace: std::time::Duration::ZERO,
                ..Default::default()
            },
            bitrix24: crate::bitrix24::Config {
                pace: std::time::Duration::ZERO,
                ..Default::default()
            },
            intellectmoney: crate::intellectmoney::Config {
                pace: std::time::Duration::ZERO,
                // Its own sequence: the same GUIDs as ricloud's would read as the same things.
                id_seed: Some(4),
                ..Default::default()
            },
            ricloud: crate::ricloud::Config {
                pace: std::time::Duration::ZERO,
                id_seed: Some(1),
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
                        emulator.admin_addr(),
                        emulator.state(),
                        emulator.handle(),
                    );
                    let _ = started_tx.send(Ok(started));
                    emulator.run().await
                })
            })?;
        let (addr, admin_addr, state, handle) = started_rx
            .recv()
            .map_err(|_| io::Error::other("the emulator thread ended before starting"))??;
        Ok(TestServer {
            addr,
            admin_addr,
            engine: state.engine.clone(),
            state,
            handle,
            thread: Some(thread),
        })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// Where the admin API listens when `Settings::admin_listen` gave it its own address.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin_addr
    }

    /// The SOAP endpoint, e.g. `http://127.0.0.1:40123/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.engine
    }

    /// The CNode front door: its world, and its tasks as getTaskStatus shows them.
    pub fn node(&self) -> &Arc<crate::cnode::Node> {
        &self.state.node
    }

    /// Moves the emulator's clock forward; every step and expiry that comes due happens
    /// before this returns.
    pub fn advance(&self, by: Duration) {
        self.engine.clock().advance(by);
        self.engine.catch_up();
        self.engine.sweep();
    }

    pub fn freeze(&self) {
        self.engine.clock().freeze();
    }

    pub fn resume(&self) {
        self.engine.clock().resume();
    }

    /// Live tasks, oldest first.
    pub fn tasks(&self, filter: &TaskFilter) -> Vec<TaskDetail> {
        self.engine.tasks(filter)
    }

    /// One CNode task with its history, by the id a client was given.
    pub fn task(&self, id: &str) -> Option<TaskDetail> {
        self.engine.task_detail(parse_task_id(id)?)
    }

    /// One task of any front door (`cnode`, `mobizon`, `bitrix24`, `ricloud`, `intellectmoney`), by the id its client was given.
    pub fn door_task(&self, front_door: &str, id: &str) -> Option<TaskDetail> {
        let id = self.state.front_door(Some(front_door))?.parse_id(id)?;
        self.engine.task_detail(id)
    }

    /// The due queue's entry for a task of any front door: (virtual time due, creation
    /// order), or `None` when nothing is due (final, parked, or moved only by polls).
    pub fn due_entry(&self, front_door: &str, id: &str) -> Option<(u64, u64)> {
        let id = self.state.front_door(Some(front_door))?.parse_id(id)?;
        self.engine.due_entry(id)
    }

    /// Moves a CNode task along `path` (the first status now), as `POST /__admin/tasks/{id}/force`.
    pub fn force(&self, id: &str, path: Vec<Status>) -> Result<TaskDetail, ForceError> {
        let id = parse_task_id(id).ok_or(ForceError::NoSuchTask)?;
        let names: Vec<String> = path.iter().map(|s| s.as_str().to_owned()).collect();
        self.engine.force(id, &names, None, None)
    }

    /// How many journalled SOAP calls (of one operation, or all) were made.
    pub fn journal_count(&self, operation: Option<&str>) -> usize {
        self.state.journal.count(operation)
    }

    /// The last journalled exchanges, oldest first.
    pub fn journal(&self, operation: Option<&str>, limit: usize) -> Vec<Exchange> {
        self.state.journal.entries(operation, limit)
    }

    /// What the status callbacks did: delivered, failed, retried, dropped.
    pub fn callback_counts(&self) -> crate::callbacks::CallbackCounts {
        self.state.callbacks.counts()
    }

    /// Tasks, worlds and journal back to the start.
    pub fn reset(&self) {
        self.state.reset();
        self.state.journal.clear();
        self.state.faults.clear();
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
