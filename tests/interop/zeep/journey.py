#!/usr/bin/env python3
"""The interop journey (tests/interop/README.md) through a Python zeep client built from the
emulator's default WSDL (`/?wsdl`, document/literal wrapped).

Usage: journey.py BASE_URL WORK_DIR   (run.sh calls it; the steps, shared with suds, are in
../python/steps.py and the checks in ../python/checks.py)

Written the way zeep users write it: `zeep.Client(wsdl=wsdl_url)`, structures as plain dicts,
`client.service.<operation>(keyword=value, ...)` with the arguments the WSDL marks optional
(minOccurs="0") simply left out.
"""

import zeep

from checks import run
from steps import journey as steps


def amount(value, currency, colour):
    # zeep takes a complex type as a dict of its elements.
    return {"amount": value, "currency": currency, "colour": colour}


def journey(base_url, work_dir):
    client = zeep.Client(wsdl=base_url + "?wsdl")
    steps("zeep", client.service, amount)


if __name__ == "__main__":
    run(f"zeep {zeep.__version__}", journey)
