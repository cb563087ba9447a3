// A page for something that does not exist: nothing to follow; the token form still works.
import "./common.js";
