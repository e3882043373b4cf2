#!/usr/bin/env python3
"""The interop journey (tests/interop/README.md) through a Python suds (suds-community) client
built from the emulator's default WSDL (`/?wsdl`, document/literal wrapped).

Usage: journey.py BASE_URL WORK_DIR   (run.sh calls it; the steps, shared with zeep, are in
../python/steps.py and the checks in ../python/checks.py)

Written the way suds users write it: `Client(wsdl_url)`, structures made with
`client.factory.create(type)`, `client.service.<operation>(keyword=value, ...)` with the
arguments the WSDL marks optional (minOccurs="0") left out. suds caches the parsed WSDL; the
cache lives in WORK_DIR.
"""

import os

import suds
from suds.cache import ObjectCache
from suds.client import Client

from checks import run
from steps import journey as steps


def journey(base_url, work_dir):
    client = Client(base_url + "?wsdl", cache=ObjectCache(location=os.path.join(work_dir, "suds-cache")))

    def amount(value, currency, colour):
        billon_amount = client.factory.create("billonAmount")
        billon_amount.amount = value
        billon_amount.currency = currency
        billon_amount.colour = colour
        return billon_amount

    steps("suds", client.service, amount)


if __name__ == "__main__":
    run(f"suds-community {suds.__version__}", journey)
