//! The fake-clock property driver shared by both protocols' property tests
//! (issue 7 B): seeded runs of random operations through a protocol's
//! [`Scenario`] (its client, a scripted server and a fake clock), which
//! checks the delivery invariants after every step and at the end. Prints
//! one line per seed and the totals (run with `--nocapture`).

use core::ops::RangeInclusive;

/// One protocol's property run, started afresh for each seed.
pub trait Scenario {
    /// The client, the scripted server and the clock for `seed`, ready for
    /// random operations.
    fn start(seed: u64) -> Self;
    /// One random operation, then the invariants that hold after every step.
    fn step(&mut self);
    /// No more faults: everything pending must end by itself; the
    /// invariants that hold at the end.
    fn finish(&mut self);
    /// What the run did so far.
    fn figures(&self) -> Figures;
    /// Anything else worth printing for a seed.
    fn detail(&self) -> String {
        String::new()
    }
}

/// Counts of one run, or the sum of several.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Figures {
    /// Random operations performed.
    pub ops: u64,
    /// Sends the client accepted (each with exactly one outcome by the end).
    pub sends: u64,
    /// Inbound messages the app got (each once).
    pub deliveries: u64,
}

impl core::ops::Add for Figures {
    type Output = Figures;
    fn add(self, o: Figures) -> Figures {
        Figures {
            ops: self.ops + o.ops,
            sends: self.sends + o.sends,
            deliveries: self.deliveries + o.deliveries,
        }
    }
}

/// Runs `steps` random operations and the end for every seed of `seeds`;
/// returns the figures per seed (the invariants are the scenario's asserts).
pub fn run<S: Scenario>(protocol: &str, seeds: RangeInclusive<u64>, steps: u64) -> Vec<Figures> {
    let mut per_seed = Vec::new();
    for seed in seeds {
        let mut s = S::start(seed);
        for _ in 0..steps {
            s.step();
        }
        s.finish();
        let f = s.figures();
        println!(
            "{protocol} property, seed {seed}: {} operations, {} accepted sends, {} deliveries {}",
            f.ops,
            f.sends,
            f.deliveries,
            s.detail()
        );
        per_seed.push(f);
    }
    let total = total(&per_seed);
    println!(
        "{protocol} property run, {} seeds: {} operations, {} accepted sends each with one \
         outcome, {} inbound messages delivered once each",
        per_seed.len(),
        total.ops,
        total.sends,
        total.deliveries
    );
    per_seed
}

/// The sum of per-seed figures.
pub fn total(per_seed: &[Figures]) -> Figures {
    per_seed
        .iter()
        .copied()
        .fold(Figures::default(), |a, b| a + b)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A scenario that counts what the driver asks of it.
    struct Counter {
        seed: u64,
        steps: u64,
        finished: bool,
    }

    impl Scenario for Counter {
        fn start(seed: u64) -> Self {
            Counter {
                seed,
                steps: 0,
                finished: false,
            }
        }
        fn step(&mut self) {
            assert!(!self.finished, "a step after the end");
            self.steps += 1;
        }
        fn finish(&mut self) {
            self.finished = true;
        }
        fn figures(&self) -> Figures {
            assert!(self.finished, "figures before the end");
            Figures {
                ops: self.steps,
                sends: self.seed,
                deliveries: 1,
            }
        }
    }

    #[test]
    fn every_seed_runs_its_steps_then_its_end() {
        let per_seed = run::<Counter>("test", 3..=5, 7);
        let sends: Vec<u64> = per_seed.iter().map(|f| f.sends).collect();
        assert_eq!(sends, [3, 4, 5]);
        assert_eq!(
            total(&per_seed),
            Figures {
                ops: 21,
                sends: 12,
                deliveries: 3
            }
        );
    }
}
