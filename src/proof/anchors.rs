//! The anchors: classical theorems a proof reduces to, bundled from `proofs/anchors.toml`.
//!
//! * [`PcfAnchor`]: a PCF that converges to a stated value (Brouncker, Euler, Apéry, …);
//! * [`SeriesAnchor`]: a hypergeometric series `Σ_{k≥0} u_k`, `u_{k+1}/u_k = P(k)/Q(k)`, with a stated sum;
//! * [`irrationality`]: constants known to be irrational (with the reference).

use super::json::{JsonPoly, JsonRat};
use super::Limit;
use crate::pcf::Pcf;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// The anchors file, compiled in.
pub const ANCHORS_TOML: &str = include_str!("../../proofs/anchors.toml");

/// A PCF with a published proof that it converges to `limit`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PcfAnchor {
    /// Short identifier (`brouncker`, `apery-zeta3`, …).
    pub id: String,
    /// The statement in words.
    pub name: String,
    /// `a(n)`.
    pub a: JsonPoly,
    /// `b(n)`.
    pub b: JsonPoly,
    /// The limit.
    pub limit: Limit,
    /// Literature reference.
    pub reference: String,
}

impl PcfAnchor {
    /// The anchor's PCF.
    pub fn pcf(&self) -> Pcf {
        Pcf::new(self.a.0.clone(), self.b.0.clone())
    }
}

/// A series `Σ_{k≥0} u_k` with `u_0 = first`, `u_{k+1} = u_k·P(k)/Q(k)`, converging to `sum`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesAnchor {
    /// Short identifier (`exp`, `leibniz`, …).
    pub id: String,
    /// The statement in words.
    pub name: String,
    /// `u_0`.
    pub first: JsonRat,
    /// `[P, Q]`: `u_{k+1}/u_k = P(k)/Q(k)` (polynomials written in `n`).
    pub ratio: [JsonPoly; 2],
    /// The sum.
    pub sum: Limit,
    /// Literature reference.
    pub reference: String,
}

/// A constant known to be irrational.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Irrational {
    /// Constant name.
    pub constant: String,
    /// Literature reference.
    pub reference: String,
}

/// The parsed anchors file.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct Anchors {
    /// PCF anchors.
    #[serde(default)]
    pub pcf: Vec<PcfAnchor>,
    /// Series anchors.
    #[serde(default)]
    pub series: Vec<SeriesAnchor>,
    /// Irrational constants.
    #[serde(default)]
    pub irrational: Vec<Irrational>,
}

/// The bundled anchors (parsed once).
pub fn bundled() -> &'static Anchors {
    static CELL: OnceLock<Anchors> = OnceLock::new();
    CELL.get_or_init(|| toml::from_str(ANCHORS_TOML).expect("proofs/anchors.toml is valid"))
}

/// The bundled PCF anchor with this id.
pub fn pcf_anchor(id: &str) -> Option<&'static PcfAnchor> {
    bundled().pcf.iter().find(|a| a.id == id)
}

/// The bundled series anchor with this id.
pub fn series_anchor(id: &str) -> Option<&'static SeriesAnchor> {
    bundled().series.iter().find(|a| a.id == id)
}

/// The reference proving that `constant` is irrational, if it is known to be.
pub fn irrationality(constant: &str) -> Option<&'static str> {
    bundled()
        .irrational
        .iter()
        .find(|i| i.constant == constant)
        .map(|i| i.reference.as_str())
}
