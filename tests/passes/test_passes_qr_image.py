from __future__ import annotations

import datetime as dt
import io

import segno
import zxingcpp
from PIL import Image

from jiaoguan.passes.qr.trust import TrustStore
from jiaoguan.passes.qr.verify import verify


def test_a_pass_rendered_as_a_png_and_scanned_back_verifies(qr: str, store: TrustStore, during: dt.datetime) -> None:
    code = segno.make(qr, error="m", micro=False)
    assert code.mode == "alphanumeric"  # the Base45 alphabet is the QR alphanumeric set: the densest mode
    png = io.BytesIO()
    code.save(png, kind="png", scale=4, border=4)
    png.seek(0)

    # Only QR: asked for every format, the decoder once also "found" a 1D code (B$5A) in the QR's modules
    scanned = zxingcpp.read_barcodes(Image.open(png), formats=zxingcpp.BarcodeFormat.QRCode)

    assert [result.text for result in scanned] == [qr]
    verdict = verify(scanned[0].text, store, during)
    assert verdict.valid, verdict.reason
