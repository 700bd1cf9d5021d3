//! Oxidesk, the library behind the `oxidesk` binary: the API server, its domain and its commands.
//! A library so that integration tests (backend/tests) can build the real app in-process.

pub mod accounts;
pub mod audit;
pub mod auth;
pub mod cli;
pub mod commands;
pub mod config;
pub mod db;
pub mod error;
pub mod mail;
pub mod openapi;
pub mod routes;
pub mod seed;
pub mod settings;
pub mod startup;
pub mod state;
pub mod tickets;
