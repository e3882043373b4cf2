//! Settings, and the command line (each flag with an environment-variable twin) that makes them.

use std::net::{SocketAddr, ToSocketAddrs};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Parser, ValueEnum};

use crate::cnode::ops::{Code, OpsConfig};
use crate::cnode::soap::ParseLimits;
use crate::cnode::world::WorldFile;
use crate::cnode::CnodeConfig;
use crate::engine::EngineConfig;
use crate::units::{parse_duration, parse_size};

/// Everything the emulator needs to start.
#[derive(Clone, Debug)]
pub struct Settings {
    pub listen: SocketAddr,
    pub world: WorldFile,
    pub engine: EngineConfig,
    pub cnode: CnodeConfig,
    pub mobizon: crate::mobizon::Config,
    pub bitrix24: crate::bitrix24::Config,
    pub intellectmoney: crate::intellectmoney::Config,
    pub ricloud: crate::ricloud::Config,
    /// Which front doors are served.
    pub doors: Doors,
    pub ops: OpsConfig,
    /// Largest request body accepted, in bytes; larger ones get HTTP 413.
    pub max_body: usize,
    pub parse_limits: ParseLimits,
    /// HTTP worker threads; `None` for one per core.
    pub workers: Option<usize>,
    /// Start with the clock frozen (tests move it themselves).
    pub frozen_clock: bool,
    /// Serve the admin API under /__admin/.
    pub admin: bool,
    /// Require `Authorization: Bearer <token>` on the admin API.
    pub admin_token: Option<String>,
    /// Serve the admin API on this address instead of beside the SOAP endpoint.
    pub admin_listen: Option<SocketAddr>,
    /// SOAP exchanges the journal keeps; 0 turns it off.
    pub journal_size: usize,
    /// How long a client has to send a whole request (head and body).
    pub request_timeout: Duration,
    /// Open client connections, all workers together; more wait to be accepted.
    pub max_connections: usize,
    /// Status callbacks (getTaskStatus `callback=true`): where they go, how they are retried.
    pub callbacks: crate::callbacks::CallbackConfig,
    /// Serve the metrics at `/metrics` too (they are always at `/__admin/metrics`).
    pub metrics_at_root: bool,
}

impl Default for Settings {
    fn default() -> Settings {
        Settings {
            listen: SocketAddr::from(([127, 0, 0, 1], 9091)),
            world: WorldFile::default_world(),
            engine: EngineConfig::default(),
            cnode: CnodeConfig::default(),
            mobizon: Default::default(),
            bitrix24: Default::default(),
            intellectmoney: Default::default(),
            ricloud: Default::default(),
            doors: Doors::default(),
            ops: OpsConfig::default(),
            max_body: 4 << 20,
            parse_limits: ParseLimits::default(),
            workers: None,
            frozen_clock: false,
            admin: true,
            admin_token: None,
            admin_listen: None,
            journal_size: 1000,
            request_timeout: Duration::from_secs(10),
            max_connections: 10_000,
            callbacks: Default::default(),
            metrics_at_root: true,
        }
    }
}

/// Which front doors are served; a door switched off answers its paths as unknown (404).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Doors {
    pub cnode: bool,
    pub mobizon: bool,
    pub bitrix24: bool,
    pub intellectmoney: bool,
    pub ricloud: bool,
}

impl Default for Doors {
    fn default() -> Doors {
        Doors {
            cnode: true,
            mobizon: true,
            bitrix24: true,
            intellectmoney: true,
            ricloud: true,
        }
    }
}

impl Doors {
    pub const NAMES: &'static [&'static str] =
        &["cnode", "mobizon", "bitrix24", "ricloud", "intellectmoney"];

    /// The names of the doors switched on.
    pub fn serving(&self) -> Vec<&'static str> {
        let on = [
            self.cnode,
            self.mobizon,
            self.bitrix24,
            self.ricloud,
            self.intellectmoney,
        ];
        Doors::NAMES
            .iter()
            .zip(on)
            .filter_map(|(name, on)| on.then_some(*name))
            .collect()
    }

    /// Every door but those named (`--off mobizon,bitrix24`).
    fn all_but(off: &[String]) -> Result<Doors, String> {
        let mut doors = Doors::default();
        for name in off {
            match name.trim() {
                "cnode" => doors.cnode = false,
                "mobizon" => doors.mobizon = false,
                "bitrix24" => doors.bitrix24 = false,
                "intellectmoney" => doors.intellectmoney = false,
                "ricloud" => doors.ricloud = false,
                "" => {}
                other => {
                    return Err(format!(
                        "--off {other}: not a front door (one of {})",
                        Doors::NAMES.join(", ")
                    ))
                }
            }
        }
        Ok(doors)
    }
}

/// How log lines are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum LogFormat {
    Text,
    Json,
}

/// A stand-in for Billon's Corporate Node: its SOAP API on a simulated world.
#[derive(Parser, Debug)]
#[command(name = "cnode-emulator", version, about, long_about = None)]
pub struct Cli {
    /// Address to listen on (port 0 picks a free port; the bound address is logged).
    #[arg(
        long,
        env = "CNODE_LISTEN",
        value_name = "ADDR:PORT",
        default_value = "127.0.0.1:9091"
    )]
    pub listen: String,

    /// How long a task can be looked up, counted from its creation (e.g. 90s, 10m, 1h).
    #[arg(long, env = "CNODE_TASK_TTL", value_name = "DURATION", default_value = "1h", value_parser = parse_duration)]
    pub task_ttl: Duration,

    /// Front doors not to serve (comma-separated: cnode, mobizon, bitrix24, ricloud, intellectmoney); their paths answer 404.
    #[arg(long, env = "CNODE_OFF", value_name = "DOORS", value_delimiter = ',')]
    pub off: Vec<String>,

    /// Log lines as text or as JSON (one object per line, for machines); `RUST_LOG` filters
    /// them (a line per call under the target `call`).
    #[arg(long, env = "CNODE_LOG_FORMAT", value_enum, default_value = "text")]
    pub log_format: LogFormat,

    /// Front doors that enforce their service's polling advice (mobizon: once a second per
    /// key; bitrix24: once a minute per process), answering a too-fast poll with the
    /// service's rate-limit error on the virtual clock.
    #[arg(long, env = "CNODE_STRICT_RATE", value_name = "DOORS", value_delimiter = ',', value_parser = ["mobizon", "bitrix24"])]
    pub strict_rate: Vec<String>,

    /// World file (TOML) to start from; default: the embedded fixtures/world/default.toml.
    #[arg(long, env = "CNODE_WORLD", value_name = "FILE")]
    pub world: Option<PathBuf>,

    /// How long each status step of a task takes; 0 makes tasks reach their final status at once.
    #[arg(long, env = "CNODE_PACE", value_name = "DURATION", default_value = "500ms", value_parser = parse_duration)]
    pub pace: Duration,

    /// The code for an unknown or expired task: ERR_TASK_DOES_NOT_EXIST or ..._EXISTS.
    #[arg(
        long,
        env = "CNODE_NOT_FOUND_SPELLING",
        value_enum,
        default_value = "exist"
    )]
    pub not_found_spelling: NotFoundSpelling,

    /// Largest request body accepted (e.g. 4MiB, 512KiB, 100000); larger ones get HTTP 413.
    #[arg(long, env = "CNODE_MAX_BODY", value_name = "SIZE", default_value = "4MiB", value_parser = parse_size)]
    pub max_body: usize,

    /// HTTP worker threads (default: one per core).
    #[arg(long, env = "CNODE_WORKERS", value_name = "N")]
    pub workers: Option<usize>,

    /// Serve the admin API under /__admin/ (on or off).
    #[arg(long, env = "CNODE_ADMIN", value_name = "on|off", default_value = "on", value_parser = parse_switch)]
    pub admin: bool,

    /// Require `Authorization: Bearer TOKEN` on the admin API.
    #[arg(long, env = "CNODE_ADMIN_TOKEN", value_name = "TOKEN")]
    pub admin_token: Option<String>,

    /// Serve the admin API on its own address instead of beside the SOAP endpoint.
    #[arg(long, env = "CNODE_ADMIN_LISTEN", value_name = "ADDR:PORT")]
    pub admin_listen: Option<String>,

    /// `off`: no metrics at `/metrics` (they stay at `/__admin/metrics`).
    #[arg(
        long,
        env = "CNODE_METRICS",
        value_name = "on|off",
        default_value = "on",
        value_parser = ["on", "off"]
    )]
    pub metrics: String,

    /// SOAP exchanges the journal keeps (0 turns it off).
    #[arg(
        long,
        env = "CNODE_JOURNAL_SIZE",
        value_name = "N",
        default_value = "1000"
    )]
    pub journal_size: usize,

    /// Deepest XML nesting inside the operation element; deeper calls get a SOAP Fault.
    #[arg(long, env = "CNODE_MAX_DEPTH", value_name = "N", default_value = "32")]
    pub max_depth: usize,

    /// Most XML elements and attributes inside the operation element; more get a SOAP Fault.
    #[arg(
        long,
        env = "CNODE_MAX_ELEMENTS",
        value_name = "N",
        default_value = "10000"
    )]
    pub max_elements: usize,

    /// How long a client has to send a whole request; a slower one gets HTTP 408.
    #[arg(long, env = "CNODE_REQUEST_TIMEOUT", value_name = "DURATION", default_value = "10s", value_parser = parse_duration)]
    pub request_timeout: Duration,

    /// Open client connections, all workers together; further ones wait to be accepted.
    #[arg(
        long,
        env = "CNODE_MAX_CONNECTIONS",
        value_name = "N",
        default_value = "10000"
    )]
    pub max_connections: usize,

    /// Live tasks the store holds; a call that would start one more answers ERR_TECHNICAL_PROBLEM.
    #[arg(
        long,
        env = "CNODE_MAX_TASKS",
        value_name = "N",
        default_value = "1000000"
    )]
    pub max_tasks: usize,

    /// Where status changes of tasks watched with getTaskStatus `callback=true` are POSTed
    /// as JSON (http:// only); overrides the world file's `node.callback_url`.
    #[arg(long, env = "CNODE_CALLBACK_URL", value_name = "URL")]
    pub callback_url: Option<String>,

    /// Tries per status callback, the first included.
    #[arg(
        long,
        env = "CNODE_CALLBACK_ATTEMPTS",
        value_name = "N",
        default_value = "5"
    )]
    pub callback_attempts: u32,

    /// The real-time wait after a failed callback attempt; each later wait doubles.
    #[arg(long, env = "CNODE_CALLBACK_BACKOFF", value_name = "DURATION", default_value = "100ms", value_parser = parse_duration)]
    pub callback_backoff: Duration,

    /// How long one callback attempt may take, connecting included.
    #[arg(long, env = "CNODE_CALLBACK_TIMEOUT", value_name = "DURATION", default_value = "5s", value_parser = parse_duration)]
    pub callback_timeout: Duration,
}

const MAX_TASK_TTL: Duration = Duration::from_millis(u32::MAX as u64);

/// Calls are read and dropped recursively; deeper nesting than this could exhaust a stack.
const MAX_DEPTH_CEILING: usize = 1000;

fn parse_switch(text: &str) -> Result<bool, String> {
    match text.to_ascii_lowercase().as_str() {
        "on" | "true" | "1" | "yes" => Ok(true),
        "off" | "false" | "0" | "no" => Ok(false),
        other => Err(format!("\"{other}\" is not on or off")),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum NotFoundSpelling {
    /// ERR_TASK_DOES_NOT_EXIST, as in the getTaskStatus error table.
    Exist,
    /// ERR_TASK_DOES_NOT_EXISTS, as in the getTaskStatus prose.
    Exists,
}

impl Cli {
    pub fn into_settings(self) -> Result<Settings, String> {
        let listen = self
            .listen
            .to_socket_addrs()
            .map_err(|e| format!("--listen {}: {e}", self.listen))?
            .next()
            .ok_or_else(|| format!("--listen {}: no address", self.listen))?;
        let world = match &self.world {
            None => WorldFile::default_world(),
            Some(path) => {
                let text = std::fs::read_to_string(path)
                    .map_err(|e| format!("--world {}: {e}", path.display()))?;
                WorldFile::from_toml(&text)
                    .map_err(|e| format!("--world {}: {e}", path.display()))?
            }
        };
        let admin_listen = match &self.admin_listen {
            None => None,
            Some(text) => Some(
                text.to_socket_addrs()
                    .map_err(|e| format!("--admin-listen {text}: {e}"))?
                    .next()
                    .ok_or_else(|| format!("--admin-listen {text}: no address"))?,
            ),
        };
        if self.task_ttl > MAX_TASK_TTL {
            return Err(format!(
                "--task-ttl {:?}: at most 49 days (a task's history counts milliseconds in 32 bits)",
                self.task_ttl
            ));
        }
        if !(1..=MAX_DEPTH_CEILING).contains(&self.max_depth) {
            return Err(format!(
                "--max-depth {}: must be between 1 and {MAX_DEPTH_CEILING}",
                self.max_depth
            ));
        }
        if let Some(url) = &self.callback_url {
            crate::callbacks::check_url(url).map_err(|e| format!("--callback-url {e}"))?;
        }
        if self.callback_attempts == 0 {
            return Err("--callback-attempts 0: at least 1 (the first attempt)".into());
        }
        let task_not_found = match self.not_found_spelling {
            NotFoundSpelling::Exist => Code::TaskDoesNotExist,
            NotFoundSpelling::Exists => Code::TaskDoesNotExists,
        };
        Ok(Settings {
            listen,
            world,
            engine: EngineConfig {
                max_tasks: self.max_tasks,
                ..EngineConfig::default()
            },
            cnode: CnodeConfig {
                task_ttl: self.task_ttl,
                step: self.pace,
            },
            doors: Doors::all_but(&self.off)?,
            mobizon: crate::mobizon::Config {
                strict_rate: self.strict_rate.iter().any(|d| d == "mobizon"),
                ..Default::default()
            },
            bitrix24: crate::bitrix24::Config {
                strict_rate: self.strict_rate.iter().any(|d| d == "bitrix24"),
                ..Default::default()
            },
            ops: OpsConfig { task_not_found },
            max_body: self.max_body,
            workers: self.workers,
            admin: self.admin,
            admin_token: self.admin_token,
            admin_listen,
            journal_size: self.journal_size,
            metrics_at_root: self.metrics == "on",
            parse_limits: ParseLimits {
                max_depth: self.max_depth,
                max_elements: self.max_elements,
            },
            request_timeout: self.request_timeout,
            max_connections: self.max_connections,
            callbacks: crate::callbacks::CallbackConfig {
                url: self.callback_url,
                attempts: self.callback_attempts,
                backoff: self.callback_backoff,
                timeout: self.callback_timeout,
                ..Default::default()
            },
            ..Settings::default()
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_command_line_makes_settings() {
        let cli = Cli::parse_from([
            "cnode-emulator",
            "--listen",
            "127.0.0.1:0",
            "--task-ttl",
            "2s",
            "--pace",
            "0",
            "--not-found-spelling",
            "exists",
        ]);
        let settings = cli.into_settings().unwrap();
        assert_eq!(settings.listen.port(), 0);
        assert_eq!(settings.cnode.task_ttl, Duration::from_secs(2));
        assert_eq!(settings.cnode.step, Duration::ZERO);
        assert_eq!(settings.ops.task_not_found, Code::TaskDoesNotExists);
        assert_eq!(settings.callbacks.url, None);
    }

    #[test]
    fn a_callback_url_is_checked() {
        let parse = |url: &str| {
            Cli::parse_from([
                "cnode-emulator",
                "--callback-url",
                url,
                "--callback-attempts",
                "3",
            ])
            .into_settings()
        };
        let settings = parse("http://127.0.0.1:8080/hook").unwrap();
        assert_eq!(
            settings.callbacks.url.as_deref(),
            Some("http://127.0.0.1:8080/hook")
        );
        assert_eq!(settings.callbacks.attempts, 3);
        assert!(parse("https://example.com/").unwrap_err().contains("TLS"));
        assert!(parse("not a url").unwrap_err().contains("--callback-url"));
    }

    #[test]
    fn doors_can_be_switched_off_and_made_strict() {
        let cli = Cli::parse_from([
            "cnode-emulator",
            "--off",
            "mobizon,bitrix24",
            "--strict-rate",
            "bitrix24",
        ]);
        let settings = cli.into_settings().unwrap();
        assert_eq!(
            settings.doors,
            Doors {
                cnode: true,
                mobizon: false,
                bitrix24: false,
                intellectmoney: true,
                ricloud: true,
            }
        );
        assert!(settings.bitrix24.strict_rate && !settings.mobizon.strict_rate);
        let cli = Cli::parse_from(["cnode-emulator", "--off", "nosuchdoor"]);
        assert!(cli
            .into_settings()
            .unwrap_err()
            .contains("not a front door"));
    }
}
