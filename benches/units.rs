//! Overheads of work units: running a unit against searching the same range, merging 10,000
//! result files, and splitting a 10^10-candidate space into 10^5 unit files.

use apery::catalog::Catalog;
use apery::search::{MemorySink, Searcher};
use apery::space::SearchSpace;
use apery::unit::{self, merge, Periodic, RunOptions, Split};
use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

mod common;

fn repo(p: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(p)
}

/// `run-unit` against `search` on the same range: the whole quickstart space (32,076 candidates)
/// and the whole pi-classic space (3,969,405 candidates).
fn run_unit_vs_search(c: &mut Criterion) {
    common::gmp_loops();
    let mut g = c.benchmark_group("units");
    g.sample_size(10);
    for name in ["quickstart", "pi-classic"] {
        let path = repo(&format!("search-spaces/{name}.toml"));
        let text = std::fs::read_to_string(&path).unwrap();
        let space = SearchSpace::load(&path).unwrap();
        let u = Split::new(&text, &path, 1, None).unwrap().unit(0);
        g.bench_function(format!("search {name} (catalog in memory)"), |b| {
            b.iter(|| {
                let mut cat = Catalog::in_memory().unwrap();
                let s = Searcher::new(&space).unwrap();
                black_box(s.run(&mut cat, 0..u64::MAX, &|_| {}).unwrap())
            })
        });
        g.bench_function(format!("run-unit {name} (no checkpoint)"), |b| {
            b.iter(|| {
                let mut ck = Periodic::new(Duration::from_secs(3600));
                black_box(unit::run_unit(&u, &RunOptions::default(), &mut ck, &|_| {}).unwrap())
            })
        });
    }
    g.finish();
}

/// Writes the honest results of `n` units of e-degree1 into `dir` (computed with one searcher).
fn write_results(dir: &Path, n: u64) -> Vec<PathBuf> {
    let path = repo("search-spaces/e-degree1.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    let space = SearchSpace::load(&path).unwrap();
    let split = Split::new(&text, &path, n, None).unwrap();
    let searcher = Searcher::new(&space).unwrap();
    (0..n)
        .map(|i| {
            let u = split.unit(i);
            let mut sink = MemorySink::default();
            searcher
                .run_into(&mut sink, u.range(), u.block_size, &|_| {})
                .unwrap();
            let r = unit::assemble(&u, sink.chunks.into_values()).unwrap();
            let p = dir.join(format!("{i:06}.result"));
            std::fs::write(&p, r.encode()).unwrap();
            p
        })
        .collect()
}

/// Merging 10,000 result files (e-degree1 split 10,000 ways) into a fresh catalog.
fn merge_10k(c: &mut Criterion) {
    common::gmp_loops();
    let dir = tempfile::TempDir::new().unwrap();
    let t = Instant::now();
    let files = write_results(dir.path(), 10_000);
    eprintln!(
        "10,000 results written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let mut g = c.benchmark_group("units");
    g.sample_size(10);
    g.bench_function("merge 10,000 result files", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for i in 0..iters {
                let cat = dir.path().join(format!("c{i}.sqlite"));
                let mut c = Catalog::open(&cat).unwrap();
                let t = Instant::now();
                let out = merge::merge_files(&mut c, &files).unwrap();
                total += t.elapsed();
                assert!(out
                    .iter()
                    .all(|o| matches!(o.status, merge::MergeStatus::Merged(_))));
                drop(c);
                for s in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{s}", cat.display()));
                }
            }
            total
        })
    });
    g.finish();
}

/// Splitting a 10^10-candidate space into 10^5 unit files.
fn split_1e10(c: &mut Criterion) {
    common::gmp_loops();
    let text = "name = \"split-bench\"\n[pcf]\na = [[1, 100], [-500, 499]]\n\
                b = [[-50, 49], [-50, 49], [-5, 4]]\n[targets]\nconstants = [\"pi\"]\n";
    let path = Path::new("split-bench.toml");
    let dir = tempfile::TempDir::new().unwrap();
    let mut g = c.benchmark_group("units");
    g.sample_size(10);
    g.bench_function(
        "split 1e10 candidates into 1e5 units, encoded in memory",
        |b| {
            b.iter(|| {
                let split = Split::new(text, path, 100_000, None).unwrap();
                let bytes: usize = (0..split.len()).map(|i| split.unit(i).encode().len()).sum();
                black_box(bytes)
            })
        },
    );
    // Sustained runs of this one are bound by the disk's writeback (400 MB of 4 kB blocks per
    // iteration); a single `apery split` into a fresh directory takes about a second.
    g.bench_function("split 1e10 candidates into 1e5 unit files", |b| {
        b.iter_custom(|iters| {
            let mut total = Duration::ZERO;
            for k in 0..iters {
                // A fresh directory each time: `split` writes new files (overwriting is slower).
                let out = dir.path().join(format!("u{k}"));
                std::fs::create_dir(&out).unwrap();
                let t = Instant::now();
                let split = Split::new(text, path, 100_000, None).unwrap();
                assert_eq!(split.unit(0).n_total, 10_000_000_000);
                for i in 0..split.len() {
                    std::fs::write(out.join(format!("{i:06}.unit")), split.unit(i).encode())
                        .unwrap();
                }
                total += t.elapsed();
                std::fs::remove_dir_all(&out).unwrap();
            }
            total
        })
    });
    g.finish();
}

criterion_group!(benches, run_unit_vs_search, merge_10k, split_1e10);
criterion_main!(benches);
