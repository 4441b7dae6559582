//! Temporary timing probe; deleted after measuring.
use std::time::Instant;
use specdex_store::{Catalog, SqliteCatalog};

#[test]
#[ignore = "timing"]
fn timing() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::var("GURU_DB")?;
    let t = Instant::now();
    let catalog = SqliteCatalog::open(std::path::Path::new(&path))?;
    eprintln!("open (incl. migration): {:?}", t.elapsed());
    for _ in 0..5 {
        let t = Instant::now();
        let (p, e) = catalog.search_rows()?;
        eprintln!("search_rows: {:?} ({} providers, {} endpoints)", t.elapsed(), p.len(), e.len());
    }
    let t = Instant::now();
    let g = catalog.generation()?;
    eprintln!("generation {g}: {:?}", t.elapsed());
    let n = 20_000;
    let t = Instant::now();
    for _ in 0..n { catalog.generation()?; }
    eprintln!("generation per call: {:?}", t.elapsed() / n);
    // Microsoft Graph, or the biggest current snapshot.
    let providers = catalog.providers()?;
    let big = providers.iter().max_by_key(|p| p.current.endpoints).ok_or("empty")?;
    let id = big.current.id;
    eprintln!("biggest: {} {} endpoints", big.slug, big.current.endpoints);
    let t = Instant::now();
    let list = catalog.endpoint_list(id)?;
    eprintln!("endpoint_list: {:?}", t.elapsed());
    let t = Instant::now();
    let ov = catalog.overview(id)?;
    eprintln!("overview: {:?} ({} tags)", t.elapsed(), ov.tags.len());
    let keys: Vec<(&str, &str)> = list.iter().map(|e| (e.method.as_str(), e.path.as_str())).collect();
    let t = Instant::now();
    let mut hits = 0;
    for (i, key) in keys.iter().enumerate().take(2000) {
        let _ = i;
        hits += catalog.endpoints_by_key(id, std::slice::from_ref(key))?.iter().flatten().count();
    }
    eprintln!("endpoints_by_key single: {:?}/call ({hits} hits)", t.elapsed() / 2000);
    let t = Instant::now();
    let r = catalog.endpoints_by_key(id, &keys[..20])?;
    eprintln!("endpoints_by_key 20 keys: {:?} ({})", t.elapsed(), r.len());
    let t = Instant::now();
    for _ in 0..2000 { catalog.endpoints_by_key(id, &[("GET", "/nope")])?; }
    eprintln!("endpoints_by_key miss: {:?}/call", t.elapsed() / 2000);
    let names = catalog.schema_names(id)?;
    let t = Instant::now();
    let m = names.len().min(2000);
    for s in names.iter().take(m) { catalog.schemas_by_name(id, &[s.name.as_str()])?; }
    eprintln!("schemas_by_name single: {:?}/call over {m}", t.elapsed() / u32::try_from(m.max(1))?);
    let t = Instant::now();
    let api = catalog.load_api(id)?;
    eprintln!("load_api: {:?} ({} endpoints)", t.elapsed(), api.endpoints.len());
    // Parallel readers: 4 threads doing endpoints_by_key.
    let t = Instant::now();
    std::thread::scope(|s| {
        for _ in 0..4 {
            s.spawn(|| {
                for key in keys.iter().take(2000) {
                    catalog.endpoints_by_key(id, std::slice::from_ref(key)).expect("read");
                }
            });
        }
    });
    eprintln!("4 threads x 2000 endpoints_by_key: {:?}", t.elapsed());
    Ok(())
}
