//! The canonical form of a search space identifies it for resuming (`SearchSpace::hash`,
//! `CmfSpace::hash`): a change of the canonical JSON would orphan every half-done catalog. The
//! SHA-256 of every bundled space, and the canonical JSON of templates that exercise the monomial
//! expansion (cancellation, zero powers, parameter names sorting before and after `n`), are pinned
//! to the values computed by the code before the template expansion moved to `poly::multi`.

use apery::space::cmf::CmfSpace;
use apery::space::{Family, SearchSpace};
use rug::ops::Pow;
use rug::Integer;
use std::collections::BTreeMap;
use std::path::Path;

fn bundled(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("search-spaces")
        .join(format!("{name}.toml"))
}

/// SHA-256 of the canonical JSON of every PCF search space in `search-spaces/`.
const PCF_SPACES: &[(&str, &str)] = &[
    (
        "blind-delta",
        "3a890d9af656fc359c87db35e5a8858d4d8a7450619d8395f05403dd1e2c5413",
    ),
    (
        "catalan",
        "95670a9af61313800303a7b41e7e283c0566ff26292e6f613eecf2a30e1a34e2",
    ),
    (
        "dynamics-small",
        "7c9ed9b6de6b04adf369bf93674d38fa5ddf94a870231499c301ff3305896173",
    ),
    (
        "e-degree1",
        "e52bc24aec324346c460377e796d519570113afa483552a6dfa081637da4f934",
    ),
    (
        "pi-billion",
        "8c64226a71af1414da289bf181a17cc8c26dbaa713d3d6e017628b38612d98bd",
    ),
    (
        "pi-classic",
        "c4070526795b50fdb2b09f4a8550e5399ad5866d4065d1e6be043c02de17ca45",
    ),
    (
        "pi-degree2",
        "1c9b30cbf19321a0b6a296a981be5d166fd80de19006324916381e318c158220",
    ),
    (
        "quickstart",
        "4c0dda59efa0576d3a853a09eb615979c23a3e674e3210099ff083c864c0d20c",
    ),
    (
        "zeta3-apery",
        "65766a51c5bd28789c38d45b6638d8bd4d64a0027aa34d02e8d019535e34630d",
    ),
    (
        "zeta3-slow",
        "6020c3c96030a20881c42b6ad3c559815afce5efc86403f05270df50632be8b0",
    ),
];

/// SHA-256 of the canonical JSON of every CMF search space in `search-spaces/`.
const CMF_SPACES: &[(&str, &str)] = &[
    (
        "cmf-e",
        "796d7aa2f73b43fadee5e01ac9c18a4bdd03f5f72e2255f504b158819c769685",
    ),
    (
        "cmf-pi",
        "6842f21fc62cf7b5dcf00214a6952d97d3e819ce65a8a49127c6e407d186b4a5",
    ),
    (
        "cmf-zeta3",
        "c957e29835a2953f79903474a7ffa84d137395668d3276e63bd89555dbc93e7f",
    ),
    (
        "cmf-zeta3-half",
        "d771dfb619b157e0161fc8c82ef01663bb41eb47b9305672db2926b2caecfe79",
    ),
];

#[test]
fn canonical_hash_of_every_bundled_space_is_unchanged() {
    for (name, hash) in PCF_SPACES {
        let s = SearchSpace::load(&bundled(name)).unwrap();
        assert_eq!(s.canonical_hash(), *hash, "{name}");
        assert_eq!(s.hash, *hash, "{name}");
    }
    for (name, hash) in CMF_SPACES {
        let s = CmfSpace::load(&bundled(name)).unwrap();
        assert_eq!(s.canonical_hash(), *hash, "{name}");
    }
    // Every space file is pinned (the ESMA space has no canonical form: it is not resumable by hash).
    let mut files: Vec<String> =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("search-spaces"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .map(|p| p.file_stem().unwrap().to_str().unwrap().to_string())
            .collect();
    files.sort();
    let mut pinned: Vec<String> = PCF_SPACES
        .iter()
        .chain(CMF_SPACES)
        .map(|(n, _)| n.to_string())
        .chain(["esma-e".to_string()])
        .collect();
    pinned.sort();
    assert_eq!(files, pinned);
}

#[test]
fn canonical_json_of_apery_template_lists_its_expanded_monomials() {
    let s = load_template(TEMPLATES[0].0, TEMPLATES[0].1, TEMPLATES[0].2);
    // x0((n+1)^3 + n^3) + x1(2n+1) = x0(2n^3 + 3n^2 + 3n + 1) + x1(2n + 1), b = -x2^2 n^6
    let json: serde_json::Value = serde_json::from_str(&s.canonical_json()).unwrap();
    assert_eq!(
        json["family"]["Template"]["a"],
        serde_json::json!([
            [[["n", 1], ["x0", 1]], "3"],
            [[["n", 1], ["x1", 1]], "2"],
            [[["n", 2], ["x0", 1]], "3"],
            [[["n", 3], ["x0", 1]], "2"],
            [[["x0", 1]], "1"],
            [[["x1", 1]], "1"]
        ])
    );
    assert_eq!(
        json["family"]["Template"]["b"],
        serde_json::json!([[[["n", 6], ["x2", 2]], "-1"]])
    );
}

#[test]
fn canonical_hash_of_templates_is_unchanged() {
    for (a, b, params, hash) in TEMPLATES {
        let s = load_template(a, b, params);
        assert_eq!(s.canonical_hash(), *hash, "a = {a}, b = {b}");
    }
}

/// The monomials of the canonical form, evaluated at parameter values and `n`, give the template's
/// own value there: the expansion is the polynomial of the template.
#[test]
fn canonical_monomials_evaluate_to_the_template() {
    for (a, b, params, _) in TEMPLATES {
        let s = load_template(a, b, params);
        let json: serde_json::Value = serde_json::from_str(&s.canonical_json()).unwrap();
        let Family::Template {
            a: ea,
            b: eb,
            params: ps,
        } = &s.family
        else {
            panic!("a template space");
        };
        for seed in 0..6i64 {
            let values: BTreeMap<String, i64> = ps
                .iter()
                .enumerate()
                .map(|(i, p)| (p.0.clone(), (seed * 7 + i as i64 * 3) % 6 - 2))
                .collect();
            for (key, expr) in [("a", ea), ("b", eb)] {
                let poly = expr.eval(&values);
                for n in -2..4i64 {
                    let mut sum = Integer::new();
                    for term in json["family"]["Template"][key].as_array().unwrap() {
                        let mut t: Integer = term[1].as_str().unwrap().parse().unwrap();
                        for ve in term[0].as_array().unwrap() {
                            let v = ve[0].as_str().unwrap();
                            let e = ve[1].as_u64().unwrap() as u32;
                            let x = if v == "n" { n } else { values[v] };
                            t *= Integer::from(x).pow(e);
                        }
                        sum += t;
                    }
                    assert_eq!(sum, poly.eval(n), "{key} = {expr:?} at {values:?}, n = {n}");
                }
            }
        }
    }
}

fn load_template(a: &str, b: &str, params: &str) -> SearchSpace {
    SearchSpace::from_toml(&template_space(a, b, params), Path::new("template.toml")).unwrap()
}

/// (a, b, parameters, SHA-256 of the canonical JSON before the change).
const TEMPLATES: &[(&str, &str, &str, &str)] = &[
    (
        "x0*((n+1)^3 + n^3) + x1*(2n+1)",
        "-x2^2*n^6",
        "x0 x1 x2",
        "b23bd5fb5282dd31c0277bf732ba67492eeba9fce115cf28fdae544088d76cc2",
    ),
    (
        "(n + a)*(n - a) + a^2 + (n+1)^0*z",
        "-(m*n + z)^2*(n - 1)",
        "a m z",
        "ae3bfeb0170b99b14d724cdd5d4e456ea61646040c55a174952d32d5ce5ae177",
    ),
    (
        "2*(a + b)^2 - (a - b)^2 - 3*n",
        "b*a*n*(a + n)^2 + 0*m",
        "a b m",
        "e86479d735d3d9cfef6d785ce1640f931a8b8490d8b121bd436700d87614fd47",
    ),
    (
        "(n+2)^2 - 4 + (Q - n)^40",
        "7 - Q*n*x + Q",
        "Q x",
        "b2eaf39f910170f0690658d0898969065b37eaeee643030932aacbb32752cb1f",
    ),
];

/// A template space with `a`, `b` and every parameter of `params` ranging over `[-2, 3]`.
fn template_space(a: &str, b: &str, params: &str) -> String {
    let ranges: String = params
        .split_whitespace()
        .map(|p| format!("{p} = [-2, 3]\n"))
        .collect();
    format!(
        "name = \"t\"\n[pcf]\na = \"{a}\"\nb = \"{b}\"\n[pcf.params]\n{ranges}[targets]\nconstants = [\"zeta3\"]\n"
    )
}
