'use strict';

// osls plugin: `osls package` without AWS credentials or network.
//
// For a service with layers, osls's layer compiler asks CloudFormation (DescribeStacks) whether
// the deployed stack already has the same layer zip, to reuse its S3 key. That is the only AWS
// call `osls package` makes, and it makes the output depend on what is deployed. On `package`
// this plugin skips it: the template is a function of the sources alone (CI packages offline),
// and a later `osls deploy --package DIR` just uploads the layer again. `osls deploy` is left
// as it is and still skips re-uploading an unchanged layer.
class OfflinePackage {
  constructor(serverless) {
    this.hooks = {};
    const commands = (serverless.processedInput && serverless.processedInput.commands) || [];
    if (commands[0] !== 'package') return;
    // Core plugins are loaded before service plugins, so the layer compiler exists already.
    const compiler = serverless.pluginManager
      .getPlugins()
      .find((plugin) => plugin.constructor && plugin.constructor.name === 'AwsCompileLayers');
    if (!compiler || typeof compiler.compareWithLastLayer !== 'function') {
      throw new Error(
        'deploy/osls-offline-package.js: osls has no AwsCompileLayers.compareWithLastLayer ' +
          'any more; check this plugin against the osls version in package.json'
      );
    }
    compiler.compareWithLastLayer = async () => {};
  }
}

module.exports = OfflinePackage;
