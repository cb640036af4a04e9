"""The qixian Calc add-in: the UNO components that LibreOffice loads from the extension.

- org.qixian.calc.Functions implements org.qixian.calc.XQixian (idl/XQixian.idl), the
  functions QIXIAN.DEADLINE, QIXIAN.WORKDAY, QIXIAN.NETWORKDAYS, QIXIAN.ISWORKDAY and
  QIXIAN.PROVISIONAL; CalcAddIns.xcu gives their names and descriptions, and Calc finds the
  methods by reflection. The work is done by qixian_calc_client (in pythonpath/).
- org.qixian.calc.OptionsHandler fills and saves the page Tools > Options > qixian
  (dialogs/Options.xdl): the service's address, kept in the configuration at
  /org.qixian.calc.Options/Service/URL (registry/QixianOptions.xcs).
"""

import datetime

import uno  # noqa: F401 (sets up the import of UNO types below)
import unohelper
from com.sun.star.awt import XContainerWindowEventHandler
from com.sun.star.beans import PropertyValue
from com.sun.star.lang import XServiceInfo, XServiceName
from org.qixian.calc import XQixian

import qixian_calc_client as client

FUNCTIONS = "org.qixian.calc.Functions"
OPTIONS_HANDLER = "org.qixian.calc.OptionsHandler"
CONFIG_NODE = "/org.qixian.calc.Options/Service"


def configuration(ctx, update=False):
    """The add-in's settings node, to read or (with `update`) to change."""
    provider = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.configuration.ConfigurationProvider", ctx
    )
    node = PropertyValue()
    node.Name, node.Value = "nodepath", CONFIG_NODE
    service = "com.sun.star.configuration.Configuration" + ("UpdateAccess" if update else "Access")
    return provider.createInstanceWithArguments(service, (node,))


def null_date(document):
    """The document's day 0 (Calc passes the document's settings as the hidden first
    argument); 1899-12-30 when it cannot be read."""
    try:
        value = document.getPropertyValue("NullDate")
        return datetime.date(value.Year, value.Month, value.Day)
    except Exception:  # no document (a call from a macro) or an odd value: Calc's default
        return client.DEFAULT_NULL_DATE


class Functions(unohelper.Base, XQixian, XServiceName, XServiceInfo):
    def __init__(self, ctx):
        self.ctx = ctx

    def _client(self):
        # Read at every call, so that a changed address takes effect at the next recalculation.
        settings = configuration(self.ctx)
        return client.Client(settings.getByName("URL"), settings.getByName("TimeoutSeconds"))

    def _call(self, name, document, *args):
        def run():
            return getattr(self._client(), name)(null_date(document), *args)

        return client.answer(run)

    def deadline(self, document, rule, event, calendar):
        return self._call("deadline", document, rule, event, calendar)

    def workday(self, document, start, days, calendar):
        return self._call("workday", document, start, days, calendar)

    def networkdays(self, document, start, end, calendar):
        return self._call("networkdays", document, start, end, calendar)

    def isworkday(self, document, date, calendar):
        return self._call("isworkday", document, date, calendar)

    def provisional(self, document, rule, event, calendar):
        return self._call("provisional", document, rule, event, calendar)

    # XServiceName, XServiceInfo
    def getServiceName(self):
        return FUNCTIONS

    def getImplementationName(self):
        return FUNCTIONS

    def supportsService(self, name):
        return name == FUNCTIONS

    def getSupportedServiceNames(self):
        return (FUNCTIONS,)


class OptionsHandler(unohelper.Base, XContainerWindowEventHandler, XServiceInfo):
    """The Options page: `initialize` and `back` show the saved address, `ok` saves it."""

    def __init__(self, ctx):
        self.ctx = ctx

    def callHandlerMethod(self, window, event, method):
        if method != "external_event":
            return False
        field = window.getControl("ServiceURL")
        if event in ("initialize", "back"):
            field.setText(configuration(self.ctx).getByName("URL"))
            return True
        if event == "ok":
            url = field.getText().strip().rstrip("/") or client.DEFAULT_URL
            settings = configuration(self.ctx, update=True)
            settings.replaceByName("URL", url)
            settings.commitChanges()
            return True
        return False

    def getSupportedMethodNames(self):
        return ("external_event",)

    def getImplementationName(self):
        return OPTIONS_HANDLER

    def supportsService(self, name):
        return name == OPTIONS_HANDLER

    def getSupportedServiceNames(self):
        return (OPTIONS_HANDLER,)


g_ImplementationHelper = unohelper.ImplementationHelper()
g_ImplementationHelper.addImplementation(Functions, FUNCTIONS, (FUNCTIONS,))
g_ImplementationHelper.addImplementation(OptionsHandler, OPTIONS_HANDLER, (OPTIONS_HANDLER,))
