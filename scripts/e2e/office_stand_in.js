/*
 * Stands in for what Office.js gives custom functions inside Excel: the CustomFunctions
 * registry (associate), CustomFunctions.Error and CustomFunctions.ErrorCode (whose values
 * are the errors Excel shows). The test harness (office_harness.html) loads it before the
 * add-in's functions.js, and the browser test serves it in place of Office.js from
 * Microsoft's CDN when it opens the add-in's functions.html.
 * window.harness.call(id, args) runs a registered function as Excel would and reports its
 * value or the error it threw.
 */
(function () {
  "use strict";
  const registry = new Map();

  class CustomFunctionsError extends Error {
    constructor(code, message) {
      super(message || "");
      this.code = code;
    }
  }

  window.CustomFunctions = {
    ErrorCode: {
      invalidValue: "#VALUE!",
      notAvailable: "#N/A",
      divisionByZero: "#DIV/0!",
      invalidNumber: "#NUM!",
      nullReference: "#NULL!",
      invalidName: "#NAME?",
      invalidReference: "#REF!",
    },
    Error: CustomFunctionsError,
    associate(id, fn) {
      if (typeof id === "object") {
        for (const [key, value] of Object.entries(id)) {
          registry.set(key.toUpperCase(), value);
        }
      } else {
        registry.set(String(id).toUpperCase(), fn);
      }
    },
  };

  window.harness = {
    ids() {
      return [...registry.keys()];
    },
    async call(id, args) {
      const fn = registry.get(id);
      if (typeof fn !== "function") {
        return { missing: id };
      }
      try {
        const value = await fn(...args);
        return { value, type: typeof value };
      } catch (error) {
        return {
          error: {
            isCustomFunctionsError: error instanceof CustomFunctionsError,
            code: error.code === undefined ? null : error.code,
            message: String(error.message),
          },
        };
      }
    },
  };
})();
