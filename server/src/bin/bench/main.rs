//! Benchmarks, kept out of the server library (run them with --release):
//!
//! - `bench search` ([`search`]): search at scale against a plain-SQL baseline (scripts/bench);
//! - `bench crowd` ([`crowd`]): the crowd map in an emergency, live subscribers and the light list
//!   under load against a baseline (scripts/bench-crowd);
//! - `bench subscribers` ([`crowd::hold`]): the subscriber half of the crowd benchmark against a
//!   server that is already running (scripts/load-surge).
//!
//! The benchmarks measure real servers in child processes: this binary again, in its hidden
//! `serve` mode, which runs the library's [`server::serve`] as `server serve` does.

#![recursion_limit = "256"]

mod crowd;
mod search;

use anyhow::Context;
use clap::{Parser, Subcommand};
use server::config::Config;

/// Dongne's benchmarks.
#[derive(Parser)]
#[command(version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Benchmark search at scale against a plain-SQL baseline (run with --release).
    Search {
        /// How many datasets the synthetic catalog has.
        #[arg(long, default_value_t = 100_000)]
        datasets: usize,
        /// How many times each query is measured.
        #[arg(long, default_value_t = 20)]
        rounds: usize,
        /// Measure only this query string (repeatable), say `--query 'q=공원&theme=environment'`,
        /// instead of the fixed set: for profiling one query.
        #[arg(long = "query")]
        queries: Vec<String>,
        /// Leave out the plain-SQL baseline (it takes minutes at 100,000 datasets).
        #[arg(long)]
        skip_sql: bool,
    },
    /// Benchmark the crowd map in an emergency: live subscribers, update latency and the light
    /// list under load, against a baseline (run with --release; see scripts/bench-crowd).
    Crowd {
        /// Live Server-Sent Events subscribers during the surge.
        #[arg(long, default_value_t = 10_000)]
        subscribers: usize,
        /// Seconds of /crowd/lite load in each phase.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Readings pushed during the surge.
        #[arg(long, default_value_t = 10)]
        updates: usize,
        /// Concurrent /crowd/lite clients.
        #[arg(long, default_value_t = 32)]
        lite_clients: usize,
    },
    /// The subscriber half of the crowd benchmark against a server that is already running: open
    /// live SSE subscribers, print `ready N`, push readings to a local point and print the update
    /// latency (see scripts/load-surge, which loads the public pages meanwhile).
    Subscribers {
        /// The running server, `http://127.0.0.1:PORT` (signs in as the demo administrator).
        #[arg(long)]
        url: String,
        /// Live Server-Sent Events subscribers to hold.
        #[arg(long, default_value_t = 10_000)]
        subscribers: usize,
        /// Seconds over which the readings are pushed.
        #[arg(long, default_value_t = 10)]
        seconds: u64,
        /// Readings pushed.
        #[arg(long, default_value_t = 10)]
        updates: usize,
        /// After `ready`, wait for SIGUSR1 before pushing.
        #[arg(long)]
        wait_signal: bool,
    },
    /// The server under measurement (a child process of the benchmarks): `server serve`.
    #[command(hide = true)]
    Serve,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let config = Config::from_env().context("reading configuration")?;
    server::init_tracing(&config.log_format);
    match cli.command {
        Command::Search {
            datasets,
            rounds,
            queries,
            skip_sql,
        } => {
            search::run(search::Options {
                datasets,
                rounds,
                queries,
                skip_sql,
            })
            .await
        }
        Command::Crowd {
            subscribers,
            seconds,
            updates,
            lite_clients,
        } => {
            crowd::run(crowd::Options {
                subscribers,
                seconds,
                updates,
                lite_clients,
            })
            .await
        }
        Command::Subscribers {
            url,
            subscribers,
            seconds,
            updates,
            wait_signal,
        } => {
            crowd::hold(crowd::HoldOptions {
                url,
                subscribers,
                seconds,
                updates,
                wait_signal,
            })
            .await
        }
        Command::Serve => server::serve(config).await,
    }
}
