//! Storm bounds (issue 7 A3, B): servers that refuse or drop cannot make the
//! client reconnect more than a few dozen times in ten minutes.

use super::*;

const TEN_MINUTES: u64 = 600_000;

/// Im.js-like defaults for the schedule (1 s base, 60 s cap).
fn storm_config() -> Config {
    Config {
        backoff: BackoffConfig::default(),
        ..config()
    }
}

/// Runs a server that answers each connection with `serve` for ten
/// simulated minutes; returns the attempt times (ms after start).
fn attempts(seed: u64, serve: impl Fn(&mut Harness)) -> Vec<u64> {
    let mut h = Harness::new(storm_config());
    h.s = Session::new(storm_config(), seed);
    let start = h.now;
    h.s.start(h.now);
    h.pump();
    let mut times = vec![];
    while h.now - start < TEN_MINUTES {
        if !h.connects.is_empty() {
            h.connects.clear();
            times.push(h.now - start);
            serve(&mut h);
        }
        match h.s.poll_timeout() {
            Some(at) if at - start < TEN_MINUTES => h.fire(),
            _ => break,
        };
    }
    times
}

fn auth_then_drop(h: &mut Harness) {
    h.open();
    h.server(0, Body::AuthStatus { status: 0 });
    h.close(false);
}

#[test]
fn an_auth_then_drop_server_gets_a_bounded_number_of_attempts() {
    for seed in 1..=5 {
        let times = attempts(seed, auth_then_drop);
        println!("seed {seed}: {} attempts at {times:?} ms", times.len());
        // Full jitter below a 60 s cap: on average one attempt per 30 s once
        // capped, so about 25 in ten minutes; before the fix it was hundreds.
        assert!(
            (5..=60).contains(&times.len()),
            "seed {seed}: {} attempts",
            times.len()
        );
        let late: Vec<u64> = times.windows(2).map(|w| w[1] - w[0]).skip(8).collect();
        assert!(
            late.iter().sum::<u64>() / late.len() as u64 >= 10_000,
            "the gaps grew: {late:?}"
        );
    }
}

#[test]
fn a_refused_token_is_tried_once() {
    for seed in 1..=3 {
        let times = attempts(seed, |h| {
            h.open();
            h.server(0, Body::AuthStatus { status: 1 });
        });
        println!("seed {seed}: refused token, attempts at {times:?} ms");
        assert_eq!(times, [0]);
    }
}

#[test]
fn a_server_that_drops_before_auth_gets_a_bounded_number_of_attempts() {
    let times = attempts(7, |h| {
        h.open();
        h.close(false);
    });
    println!("drop before auth: {} attempts at {times:?} ms", times.len());
    assert!((5..=60).contains(&times.len()), "{}", times.len());
}

#[test]
fn a_pong_after_auth_proves_the_link_and_resets_the_schedule() {
    let mut h = Harness::new(storm_config());
    h.s.start(h.now);
    h.pump();
    for _ in 0..6 {
        auth_then_drop(&mut h);
        h.fire();
    }
    h.open();
    h.server(0, Body::AuthStatus { status: 0 });
    h.jump(180_000);
    assert_eq!(h.bodies().last(), Some(&Body::Ping));
    h.server(0, Body::Pong);
    h.close(false);
    assert!(h.s.poll_timeout().unwrap() - h.now <= 1_000, "reset");
}
