//! Wiring: builds the engine and the HTTP server on a bound listener, runs the ticker
//! beside it, and stops both together.

use std::io;
use std::net::SocketAddr;
use std::sync::Arc;

use actix_web::dev::{Server, ServerHandle};
use actix_web::{web, App, HttpResponse, HttpServer};
use tokio::sync::watch;

use crate::bitrix24::Bitrix24;
use crate::callbacks::Callbacks;
use crate::cnode::Node;
use crate::config::Settings;
use crate::engine::clock::Clock;
use crate::engine::{ticker, Engine};
use crate::intellectmoney::IntellectMoney;
use crate::journal::Journal;
use crate::mobizon::Mobizon;
use crate::ricloud::Ricloud;
use crate::state::AppState;

pub struct Emulator {
    server: Server,
    addr: SocketAddr,
    state: web::Data<AppState>,
    /// The admin API on its own address, when asked for.
    admin: Option<(Server, SocketAddr)>,
}

impl Emulator {
    /// Binds the listener and builds the server; nothing is served until [`Emulator::run`].
    pub fn bind(settings: Settings) -> io::Result<Emulator> {
        let clock = Arc::new(if settings.frozen_clock {
            Clock::frozen()
        } else {
            Clock::running()
        });
        let types = crate::cnode::task::TaskKind::task_types()
            .chain(Mobizon::task_types())
            .chain(Bitrix24::task_types())
            .chain(IntellectMoney::task_types())
            .chain(Ricloud::task_types())
            .collect();
        let world = &settings.world;
        // The command line's callback URL wins over the world file's.
        let mut callbacks = settings.callbacks.clone();
        callbacks.url = callbacks.url.or_else(|| world.node.callback_url.clone());
        let mut engine_config = settings.engine.clone();
        if callbacks.url.is_some() {
            engine_config.status_changes = callbacks.queue.max(1);
        }
        let engine = Arc::new(Engine::new(engine_config, clock, types));
        // Built once, outside the factory closure, so every worker shares one engine.
        let state = web::Data::new(AppState {
            node: Arc::new(Node::new(engine.clone(), settings.cnode, world)),
            mobizon: Arc::new(Mobizon::new(
                engine.clone(),
                settings.mobizon,
                &world.mobizon,
            )),
            bitrix24: Arc::new(Bitrix24::new(
                engine.clone(),
                settings.bitrix24,
                &world.bitrix24,
            )),
            intellectmoney: Arc::new(IntellectMoney::new(
                engine.clone(),
                settings.intellectmoney,
                &world.intellectmoney,
            )),
            ricloud: Arc::new(Ricloud::new(
                engine.clone(),
                settings.ricloud,
                &world.ricloud,
            )),
            engine: engine.clone(),
            ops: settings.ops,
            parse_limits: settings.parse_limits,
            max_body: settings.max_body,
            request_timeout: settings.request_timeout,
            journal: Journal::new(settings.journal_size),
            faults: Default::default(),
            callbacks: Arc::new(Callbacks::new(callbacks, engine.clone())),
            metrics: crate::metrics::Metrics::new(settings.metrics_at_root),
            admin: settings.admin.then(|| settings.admin_token.clone()),
            started: crate::engine::clock::Stopwatch::start(),
            serving: settings.doors.serving(),
        });
        let handle = state.clone();
        let admin_here = settings.admin && settings.admin_listen.is_none();
        let doors = settings.doors;
        let admin = match settings.admin_listen.filter(|_| settings.admin) {
            None => None,
            Some(listen) => {
                let state = state.clone();
                let server = HttpServer::new(move || {
                    App::new()
                        .app_data(state.clone())
                        .service(web::scope("/__admin").configure(crate::admin::routes))
                })
                .workers(1)
                .disable_signals()
                .bind(listen)?;
                let addr = *server
                    .addrs()
                    .first()
                    .ok_or_else(|| io::Error::other("the admin server bound no address"))?;
                Some((server.run(), addr))
            }
        };
        let mut server = HttpServer::new(move || {
            App::new()
                .app_data(state.clone())
                .wrap(actix_web::middleware::from_fn(
                    crate::http::request_id::middleware,
                ))
                .configure(|config| routes(config, admin_here, &doors))
        });
        let workers = settings
            .workers
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, usize::from));
        // actix counts connections per worker; the setting counts them all together.
        // Signals are ours to handle (see `run_until_signal`): actix would stop at once on
        // SIGINT, and a test process must keep its own Ctrl-C.
        server = server
            .disable_signals()
            .workers(workers)
            .max_connections(settings.max_connections.div_ceil(workers).max(1))
            .client_request_timeout(settings.request_timeout);
        let server = server.bind(settings.listen)?;
        let addr = *server
            .addrs()
            .first()
            .ok_or_else(|| io::Error::other("the server bound no address"))?;
        Ok(Emulator {
            server: server.run(),
            addr,
            state: handle,
            admin,
        })
    }

    pub fn local_addr(&self) -> SocketAddr {
        self.addr
    }

    pub fn engine(&self) -> &Arc<Engine> {
        &self.state.engine
    }

    /// Everything the handlers share: the engine, the journal, the settings they use.
    pub fn state(&self) -> web::Data<AppState> {
        self.state.clone()
    }

    pub fn handle(&self) -> ServerHandle {
        self.server.handle()
    }

    /// Where the admin API listens when it has its own address.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin.as_ref().map(|(_, addr)| *addr)
    }

    /// Serves until SIGTERM or SIGINT, then stops gracefully: no new connection is taken,
    /// every call in flight is answered, then the ticker stops.
    pub async fn run_until_signal(self) -> io::Result<()> {
        actix_web::rt::spawn(stop_on_signal(self.handle()));
        self.run().await
    }

    /// Serves until the server is stopped by its handle, then stops the ticker and the
    /// status callbacks.
    pub async fn run(self) -> io::Result<()> {
        let (stop_ticker, ticker_stopped) = watch::channel(false);
        let ticker = actix_web::rt::spawn(ticker::run(
            self.state.engine.clone(),
            ticker_stopped.clone(),
        ));
        let callbacks =
            actix_web::rt::spawn(crate::callbacks::run(self.state.clone(), ticker_stopped));
        let admin = self.admin.map(|(server, _)| {
            let handle = server.handle();
            (handle, actix_web::rt::spawn(server))
        });
        let served = self.server.await;
        if let Some((handle, admin)) = admin {
            handle.stop(true).await;
            let _ = admin.await;
        }
        let _ = stop_ticker.send(true);
        let _ = ticker.await;
        let _ = callbacks.await;
        served
    }
}

#[cfg(unix)]
async fn stop_on_signal(server: ServerHandle) {
    use actix_web::rt::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        log::warn!("cannot listen for signals: stop the emulator by killing it");
        return;
    };
    let name = tokio::select! {
        _ = term.recv() => "SIGTERM",
        _ = int.recv() => "SIGINT",
    };
    log::info!(
        "{name} received: answering the calls in flight, then stopping (again to stop at once)"
    );
    let graceful = actix_web::rt::spawn(server.stop(true));
    tokio::select! {
        _ = graceful => {}
        _ = term.recv() => server.stop(false).await,
        _ = int.recv() => server.stop(false).await,
    }
}

#[cfg(not(unix))]
async fn stop_on_signal(server: ServerHandle) {
    if actix_web::rt::signal::ctrl_c().await.is_ok() {
        log::info!("Ctrl-C received: answering the calls in flight, then stopping");
        server.stop(true).await;
    }
}

/// The path each scoped front door lives under (ricloud's paths: `ricloud::http::PATHS`).
const ADMIN: &str = "/__admin";
const MOBIZON: &str = "/service";
const BITRIX24: &str = "/rest";
const INTELLECTMONEY: &str = "/personal";

/// The front door (or `admin`) a path belongs to, as `routes` mounts them: for the call's
/// log line.
pub fn door_of(path: &str) -> &'static str {
    let under = |prefix: &str| {
        path.strip_prefix(prefix)
            .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
    };
    if under(ADMIN) {
        "admin"
    } else if under(MOBIZON) {
        crate::mobizon::DOOR.name
    } else if under(BITRIX24) {
        crate::bitrix24::DOOR.name
    } else if under(INTELLECTMONEY) {
        crate::intellectmoney::DOOR.name
    } else if crate::ricloud::http::PATHS.iter().any(|p| under(p)) {
        crate::ricloud::DOOR.name
    } else {
        crate::cnode::DOOR.name
    }
}

/// Every route: the admin API (when on), the front doors switched on, CNode at the root.
pub fn routes(config: &mut web::ServiceConfig, admin: bool, doors: &crate::config::Doors) {
    // Routes are tried in order: CNode's `POST /`, the bulk of the traffic, first. No other
    // route has the path `/`, so nothing else changes.
    if doors.cnode {
        config.service(crate::cnode::http::soap_at_root());
    }
    if admin {
        config.service(web::scope(ADMIN).configure(crate::admin::routes));
    }
    // A door switched off still owns its paths, so that they answer 404 instead of falling
    // through to CNode, which answers a POST at any path.
    let switched_off = |config: &mut web::ServiceConfig| {
        config.default_service(web::to(HttpResponse::NotFound));
    };
    config.service(web::scope(MOBIZON).configure(if doors.mobizon {
        crate::mobizon::http::routes
    } else {
        switched_off
    }));
    config.service(web::scope(BITRIX24).configure(if doors.bitrix24 {
        crate::bitrix24::http::routes
    } else {
        switched_off
    }));
    config.service(
        web::scope(INTELLECTMONEY).configure(if doors.intellectmoney {
            crate::intellectmoney::http::routes
        } else {
            switched_off
        }),
    );
    // ricloud lives at the root (ricloud-py joins its paths onto the base URL): each of its
    // paths is a scope of its own, before CNode's catch-all.
    for path in crate::ricloud::http::PATHS {
        config.service(web::scope(path).configure(if doors.ricloud {
            crate::ricloud::http::routes
        } else {
            switched_off
        }));
    }
    config.service(crate::admin::metrics_at_root(doors.cnode));
    if doors.cnode {
        crate::cnode::http::routes(config);
    }
}
