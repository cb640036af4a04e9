//! Black-box tests of the HTTP API, one test binary: every test starts the real server on a
//! random port (`helpers::spawn_app`) and talks to it over HTTP.

mod addin;
mod batch;
mod calendars;
mod contract;
mod cors;
mod days;
mod deadlines;
mod edges;
mod feed;
mod feed_transport;
mod formats;
mod helpers;
mod history;
mod hostile;
mod hours;
mod language;
mod law;
mod meta;
mod page;
mod periods;
mod registers;
mod registers_access;
mod registers_moved;
mod registers_page;
mod registers_transfer;
mod replicas;
mod rules;
mod sheets;
mod tls;
mod webhooks;
mod workdays;
