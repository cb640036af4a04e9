//! qixian (期限): working days and official deadlines on China's holiday calendars.
//!
//! The domain — [`calendar`] and [`deadline`] — is plain Rust with no HTTP in it; [`http`] is a
//! thin actix-web adapter over it, and [`startup`] wires the two together.

#![deny(missing_docs)]

pub mod base;
#[macro_use]
mod vocabulary;

pub mod calendar;
pub mod config;
pub mod deadline;
pub mod export;
pub mod feed;
pub mod http;
pub mod lang;
#[cfg(test)]
mod layers;
pub mod register;
pub mod registers;
pub mod shared;
pub mod startup;
pub mod store;
pub mod telemetry;
pub mod text;
pub mod time;
pub mod webhooks;
