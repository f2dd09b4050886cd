//! One file per node kind (or a few close ones): the AST type, the declaration
//! ([`super::vocab::Kind`]) and the decoding, side by side. Adding a property to a node means
//! adding it here, in its check and in its lowering.

pub mod account;
pub mod alert;
pub mod analysis;
pub mod app;
pub mod config;
pub mod container;
pub mod defaults;
pub mod env;
pub mod environment;
pub mod exposure;
pub mod gitops;
pub mod image;
pub mod include;
pub mod ingress;
pub mod lifecycle;
pub mod meta;
pub mod network;
pub mod object;
pub mod patch;
pub mod pipeline;
pub mod placement;
pub mod policy;
pub mod port;
pub mod probe;
pub mod resources;
pub mod rollout;
pub mod rule;
pub mod run;
pub mod scaling;
pub mod secret;
pub mod security;
pub mod volume;
pub mod workload;
