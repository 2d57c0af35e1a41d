"""The sample is stratified by council and outcome and reproducible from its seed."""

from portal.moderation.sampling import Candidate, draw_sample, stratum_size


def _pool() -> list[Candidate]:
    return ([Candidate(i, 1, "approved") for i in range(1, 41)]
            + [Candidate(i, 1, "deferred") for i in range(41, 46)]
            + [Candidate(i, 2, "approved") for i in range(46, 66)])


def test_the_same_seed_draws_the_same_sample_whatever_the_order():
    pool = _pool()
    first = draw_sample(pool, 10, seed=12345)
    assert draw_sample(list(reversed(pool)), 10, seed=12345) == first


def test_another_seed_draws_another_sample():
    samples = {tuple(draw_sample(_pool(), 10, seed=seed)) for seed in range(20)}
    assert len(samples) > 1


def test_each_council_and_outcome_is_sampled_apart_and_rounded_up():
    drawn = set(draw_sample(_pool(), 10, seed=7))
    by_stratum = {
        "council 1 approved": len(drawn & set(range(1, 41))),
        "council 1 deferred": len(drawn & set(range(41, 46))),
        "council 2 approved": len(drawn & set(range(46, 66))),
    }
    assert by_stratum == {"council 1 approved": 4, "council 1 deferred": 1,
                          "council 2 approved": 2}


def test_stratum_size_never_exceeds_what_is_there():
    assert stratum_size(0, 10) == 0
    assert stratum_size(3, 100) == 3
    assert stratum_size(1, 10) == 1
