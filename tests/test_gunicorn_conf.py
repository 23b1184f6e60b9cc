"""gunicorn.conf.py: as many processes as the container may use, not the host's cores; no
control socket in a home folder the site's user does not have."""

import importlib.util
import os

import pytest

from .servers import ROOT


@pytest.fixture(scope="module")
def conf():
    spec = importlib.util.spec_from_file_location("gunicorn_conf", ROOT / "gunicorn.conf.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("cpu_max", "expected"),
    [("150000 100000\n", 2), ("50000 100000\n", 1), ("max 100000\n", None), (None, None)],
)
def test_the_cores_counted_are_the_containers_quota(conf, tmp_path, cpu_max, expected):
    path = tmp_path / "cpu.max"
    if cpu_max is not None:
        path.write_text(cpu_max)
    cores = len(os.sched_getaffinity(0))
    assert conf.cpus_available(str(path)) == min(expected or cores, cores)


def test_no_control_socket_and_the_site_logs_requests_itself(conf):
    assert conf.control_socket_disable is True
    assert conf.accesslog is None or os.environ.get("GUNICORN_ACCESS_LOG")
