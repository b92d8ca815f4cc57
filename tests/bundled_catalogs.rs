//! The catalogs of the small bundled search spaces are pinned: each space is searched into a fresh
//! catalog through the binary, exported with `apery query --format json`, and the SHA-256 of the
//! export is compared with the digest recorded from the code before the speed-ups of the first
//! pass, the Möbius-table lookup, ESMA and the dynamics metrics. Any change of a result (a formula
//! found or lost, a digit count, a δ, a rate, a relation's form) changes the digest and fails.
//! The catalan and pi-degree2 digests were recorded again when `verified_digits` became
//! significant digits (five counts changed by one, no formula came or went).
//!
//! Each case also checks a known formula of the space, so a digest that matches an empty or broken
//! export could not be recorded by accident.

use assert_cmd::Command;
use sha2::{Digest, Sha256};
use std::path::Path;

fn space(name: &str) -> String {
    format!("{}/search-spaces/{name}.toml", env!("CARGO_MANIFEST_DIR"))
}

/// Runs `apery <command> <space> --catalog <tmp> -q` and returns the JSON export of the catalog.
fn export(command: &str, name: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let catalog = dir.path().join("catalog.sqlite");
    Command::cargo_bin("apery")
        .unwrap()
        .args([command, &space(name), "--catalog"])
        .arg(&catalog)
        .arg("-q")
        .assert()
        .success();
    let out = Command::cargo_bin("apery")
        .unwrap()
        .args(["query", "--format", "json", "--catalog"])
        .arg(&catalog)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "query failed on {}",
        Path::new(&catalog).display()
    );
    String::from_utf8(out.stdout).unwrap()
}

fn sha256_hex(text: &str) -> String {
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The (a, b, relation) of every conjecture in an export.
fn formulas(json: &str) -> Vec<(String, String, String)> {
    let rows: serde_json::Value = serde_json::from_str(json).unwrap();
    rows.as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["a"].as_str().unwrap().to_string(),
                r["b"].as_str().unwrap().to_string(),
                r["relation"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn check(command: &str, name: &str, count: usize, known: (&str, &str, &str), digest: &str) {
    let json = export(command, name);
    let rows = formulas(&json);
    assert_eq!(rows.len(), count, "{name}: number of conjectures");
    let known = (
        known.0.to_string(),
        known.1.to_string(),
        known.2.to_string(),
    );
    assert!(rows.contains(&known), "{name}: {known:?} is missing");
    assert_eq!(
        sha256_hex(&json),
        digest,
        "{name}: the exported catalog changed"
    );
}

#[test]
fn quickstart_catalog_is_pinned() {
    // 1/(e - 1) = 0 + 1/(1 + 2/(2 + 3/(3 + ...))) (a(n) = n, b(n) = n)
    check(
        "search",
        "quickstart",
        39,
        ("n", "n", "x = 1/(e - 1)"),
        "d6d7d3662a02e70ef9c70b0b16bf063e0af87fee55c9885c01a0522f4a136049",
    );
}

#[test]
fn e_degree1_catalog_is_pinned() {
    // (e + 1)/(e - 1) = [2; 6, 10, 14, ...]: a(n) = 4n + 2, b(n) = 1
    check(
        "search",
        "e-degree1",
        18,
        ("4*n + 2", "1", "x = (e + 1)/(e - 1)"),
        "ee5a589977e0dc35c5a29bda71ef632316e2a1d5fae5c9ebee257b95f9bcb95b",
    );
}

#[test]
fn zeta3_apery_catalog_is_pinned() {
    // Apéry's PCF: 6/ζ(3) = 5 - 1/(117 - 64/(535 - ...))
    check(
        "search",
        "zeta3-apery",
        3,
        ("34*n**3 + 51*n**2 + 27*n + 5", "-n**6", "x = 6/zeta3"),
        "ec18691f7986c134e44dc48ccb67e601de0f6f3a19637b5413f77bb103724b6a",
    );
}

#[test]
fn catalan_catalog_is_pinned() {
    // 1/(2G) with a(n) = 3n² + 3n + 1, b(n) = -2n⁴ (G = Catalan's constant)
    check(
        "search",
        "catalan",
        9,
        ("3*n**2 + 3*n + 1", "-2*n**4", "x = 1/(2*catalan)"),
        "23a59306d839f99e7d20ca5480351d27afb58efbf8280c9dac4ca5fe977eb6dc",
    );
}

#[test]
fn pi_degree2_catalog_is_pinned() {
    // Brouncker: 4/π = 1 + 1²/(3 + 2²/(5 + ...))
    check(
        "search",
        "pi-degree2",
        29,
        ("2*n + 1", "n**2", "x = 4/pi"),
        "a7b2e690d7ef870d805c876b4d8004c84504109988c58126e7f506669c7b10a4",
    );
}

#[test]
fn esma_e_catalog_is_pinned() {
    // (e + 1)/(e - 1) = 2 + 1/(6 + 1/(10 + ...)), found from the Möbius transform of e
    let json = export("esma", "esma-e");
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let rows = rows.as_array().unwrap();
    assert_eq!(rows.len(), 100, "esma-e: number of conjectures");
    assert!(
        rows.iter().any(|r| r["a"] == "(e + 1)/(e - 1)"
            && r["b"] == "signs [1, 1]"
            && r["relation"]
                .as_str()
                .unwrap()
                .contains("partial quotients: a_n = 4n+2\n")),
        "esma-e: (e + 1)/(e - 1) = [2; 6, 10, 14, ...] is missing"
    );
    assert_eq!(
        sha256_hex(&json),
        "0eca68e215872d3faadfb5a4cb77252a83acc4375f70c596738cb26a26a50c46",
        "esma-e: the exported catalog changed"
    );
}
