//! Oxidesk, the library behind the `oxidesk` binary: the API server, its domain and its commands.
//! A library so that integration tests (backend/tests) can build the real app in-process.
//!
//! Read it top down: the process (`cli`, `commands`, `config`, `startup`, `openapi`) wires the
//! features (one folder each), which build on the `core`. Arrows only point that way.

pub mod cli;
pub mod commands;
pub mod config;
pub mod core;
pub mod features;
pub mod openapi;
pub mod seed;
pub mod startup;

pub mod accounts;
pub mod apikeys;
pub mod catalog;
pub mod clients;
pub mod compat;
pub mod jobs;
pub mod live;
pub mod mail;
pub mod notifications;
pub mod setup;
pub mod tickets;
pub mod views;
