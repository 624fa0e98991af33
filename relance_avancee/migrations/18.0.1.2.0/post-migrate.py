# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl).
"""18.0.1.2.0: refresh the reminder templates nobody customised (a deadline of
"8 days" whatever the settings, an indemnity claimed from consumers...): see
``migrations/template_refresh.py``."""

import importlib.util
from pathlib import Path

_spec = importlib.util.spec_from_file_location(
    "relance_template_refresh", Path(__file__).parents[1] / "template_refresh.py"
)
template_refresh = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(template_refresh)

# Fingerprints (``fingerprint(subject, body)``) of every version of each template
# shipped before 18.0.1.2.0, read from the history of data/mail_template_data.xml.
SHIPPED = {
    "mail_template_relance_courteous": {
        "21cbfc3dd9de6836efaf004c6694e3c16842a469c89575b7928ddbc32375b8f4",
        "73dcc5264d39b80f674479f42529fa73f6cf073b69172c719fab1ccd49a01726",
        "8dfcaa6847d2769aeaca97e8310eda794bd95f42d900638b403cc0691b6248b2",
        "aeb37861261410a6ff901e745939970c3b098dbc3fac7684b5bdfa4d0ad45dbf",
    },
    "mail_template_relance_firm": {
        "4e7301141928e11c91cd95f381bae228d2a9de2b9830c434c241a02545a83d85",
        "5a60e43e7fd1729399a91f3f060c292a0fb1c0c94b156149354012a1cd5aad40",
        "6c48ae30df9eec57101b7f2463b05e361fb5f57cd8bd7d2d58e82952695e4984",
        "e7044d6e2365914394bd57178cfd9b8f9a32f04e8af0f68f092b325a8117b208",
        "e88f704c422e09b4096a71454c9980022e09874e705bee839dc3d76efe755d8c",
    },
    "mail_template_relance_formal_notice": {
        "24a08ae5a8671767002c7d7df2c3bf54c6b520739a6baa94870ff9b921aa925e",
        "33af32b5c9badde42151d494dc8d12e5e67d476d43551509c9aae119a2f5a176",
        "3b7ddd98e148aba74e1032d9df32c93fbdb32bc5ab48a77036877deebd068fa3",
        "e442fbc51525df4abe2ac617fad41e88f67b7f000bba125835bdb7cfe84e0c17",
        "e9d0a50ecca08650c561d5c25bc8d35e89421651c57cb3bb3f5a0175f18add67",
    },
    "mail_template_relance_preventive": {
        "0a0e1fef40bd0f2a53dc1fd54392d92444b2eaa8baa1c4b7038763bf0e0945cc",
        "0f0d93526615834cda3039c3e33307f5bd5daab0370563d9374ad7f9aa923909",
        "2379a5260dfe64ffa79e1e86ce5c718f0b60d1ecc40f5a258732835b509bac2a",
        "a5e0e0c5bf05b204c664267f5ee971d70cdcc310383b421c3d6da5e4ae93d762",
        "c6cac2be0cde3fa7e74f7c3e2af2d4aa90c9e5ce2fe2f68d03bd3da1757f6b18",
    },
}

# The same for the French texts shipped in i18n/fr.po (a template is translated as a
# whole: its French subject and body are one of these when nobody edited them).
SHIPPED_TRANSLATIONS = {
    "mail_template_relance_courteous": {
        "1dee13766e69cbfd126a50b7a76f8156fd25c7439ce47ed63e5e41f380f49bd7",
        "ddd93cb8c0e49792642c72e62c8b19f4cf074510e08052347a97da271c5d4bd1",
        "fdd068ac74621d44d1a2a50dfdbd7d67524b685cd5860a68879119f2d8340618",
    },
    "mail_template_relance_firm": {
        "1f1b20a3556ecf9f12c32643581226e27b71b5ff1118ce7d45a79070324381e7",
        "2bd51395c492b0e1b2b997f811f4a3153e126aee48cca8e48184f521775af3a0",
        "a6caedef03274a6174446c8b63298e59314d94655572669f0febd666ffcf010e",
    },
    "mail_template_relance_formal_notice": {
        "49c0196a294c7dc1e2e4ae42e2a7c5d165781e2b1b9b522dbcbf758dc2b14a47",
        "5fdf43fef7c91218f9965e24fb25efb3e9ad343a34937e3fd7a6890be18b7a92",
        "7fc8c242d1ca2a57b8b56bff017902bd958271b2a8859cde1110522523d59cb2",
    },
    "mail_template_relance_preventive": {
        "2da206d69b787b198f00dee39d7f21f652408a1caa0958403ea233f8074a6569",
        "8b182a39d8dc028161aa5bf635431fc35f174ad3bbaddbb6737723ca9e5b3058",
        "9d6c2019cf8a6c28edee754467bbf775184caa0253465a8ca8dbd3a45adae859",
        "d0e35564f24f8903943e51aded076e02b109f757a2630d589a5f672d7b5853b3",
    },
}


def migrate(cr, version):
    template_refresh.refresh(cr, SHIPPED, SHIPPED_TRANSLATIONS)
