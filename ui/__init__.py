"""The Qt window of Prioritizer (installed as ``prioritizer.ui``).

Everything here is presentation: the data and the rules live in the Qt-free core
(``prioritizer.services.service``), which this package calls and never bypasses.
"""
