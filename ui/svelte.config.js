// Plain JavaScript components: no preprocessors needed.
export default {};
