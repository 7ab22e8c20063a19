from bot.app.throttle import LoginThrottle


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_too_many_failures_lock_out_that_client_only_for_a_while():
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window=60, lockout=120, clock=clock)
    for _ in range(2):
        throttle.failed("1.2.3.4")
    assert throttle.wait("1.2.3.4") == 0  # two failures: still allowed
    throttle.failed("1.2.3.4")
    assert throttle.wait("1.2.3.4") == 120
    assert throttle.wait("5.6.7.8") == 0  # another visitor is not affected
    clock.now += 100
    assert throttle.wait("1.2.3.4") == 20
    clock.now += 20
    assert throttle.wait("1.2.3.4") == 0


def test_failures_outside_the_window_and_before_a_success_are_forgotten():
    clock = Clock()
    throttle = LoginThrottle(max_failures=3, window=60, lockout=120, clock=clock)
    throttle.failed("a")
    throttle.failed("a")
    clock.now += 61  # those two are now outside the window
    throttle.failed("a")
    assert throttle.wait("a") == 0
    throttle.failed("a")
    throttle.succeeded("a")
    throttle.failed("a")
    assert throttle.wait("a") == 0
