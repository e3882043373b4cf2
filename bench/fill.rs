//! Sends exactly N copies of one SOAP envelope over keep-alive connections, as fast as the
//! server answers, and says how fast that was and how many answers were not SUCCESS.
//! `{{N}}` in the envelope becomes the request's number (for unique transfer ids).
//! Used by `bench/http.sh` to fill the store; not part of the emulator.
//!
//!   fill ADDR BODY_FILE COUNT [CONNECTIONS]

// A benchmark measures real time (clippy.toml keeps the emulator to its clock).
#![allow(clippy::disallowed_methods)]

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let [_, addr, body_file, count, ..] = &args[..] else {
        eprintln!("usage: fill ADDR BODY_FILE COUNT [CONNECTIONS]");
        std::process::exit(2);
    };
    let template = std::fs::read_to_string(body_file).expect("the body file");
    let count: usize = count.parse().expect("COUNT");
    let connections: usize = args.get(4).map_or(8, |c| c.parse().expect("CONNECTIONS"));
    let next = Arc::new(AtomicUsize::new(0));
    let failed = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..connections)
        .map(|_| {
            let (addr, template, next, failed) =
                (addr.clone(), template.clone(), next.clone(), failed.clone());
            std::thread::spawn(move || {
                let stream = TcpStream::connect(&addr).expect("connect");
                let mut reader = BufReader::new(stream.try_clone().unwrap());
                let mut writer = stream;
                loop {
                    let n = next.fetch_add(1, Ordering::Relaxed);
                    if n >= count {
                        return;
                    }
                    let body = template.replace("{{N}}", &n.to_string());
                    let request = format!(
                        "POST / HTTP/1.1\r\nHost: {addr}\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: {}\r\n\r\n{body}",
                        body.len()
                    );
                    writer.write_all(request.as_bytes()).expect("send");
                    let answer = read_response(&mut reader);
                    if !answer.contains("<requestStatus>SUCCESS</requestStatus>") {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            })
        })
        .collect();
    for worker in workers {
        worker.join().unwrap();
    }
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "{count} requests in {seconds:.1} s ({:.0}/s), {} not SUCCESS",
        count as f64 / seconds,
        failed.load(Ordering::Relaxed)
    );
}

fn read_response(reader: &mut BufReader<TcpStream>) -> String {
    let mut length = 0;
    loop {
        let mut line = String::new();
        reader.read_line(&mut line).expect("a response");
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':') {
            if name.eq_ignore_ascii_case("content-length") {
                length = value.trim().parse().expect("Content-Length");
            }
        }
    }
    let mut body = vec![0; length];
    reader.read_exact(&mut body).expect("the body");
    String::from_utf8_lossy(&body).into_owned()
}
