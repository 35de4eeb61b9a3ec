// `var IMService = require("./im")`, as in the GoBelieve im.js wx branch.
module.exports = require('./imsdk').IMService;
