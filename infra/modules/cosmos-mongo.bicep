// Azure Cosmos DB for MongoDB (vCore) cluster, and its connection string as a Key Vault secret.
// The connection string (it holds the administrator password) never leaves this module: it is
// written straight to the vault and the web app reads it through a Key Vault reference.

@minLength(3)
@maxLength(40)
param clusterName string

@description('UK South keeps the data in the UK.')
param location string = 'uksouth'

param administratorUserName string

@secure()
@minLength(8)
param administratorPassword string

@description('Compute tier: M10/M20 for a pilot, M30 or larger for production.')
param tier string = 'M30'

param storageSizeGb int = 32

@description('High availability (a standby in the same region) for production.')
param highAvailability bool = false

param serverVersion string = '7.0'

@description('Database name, put in the connection string\'s path (the service reads it from there).')
param databaseName string

@description('Name of the Key Vault (same resource group) that receives the connection string.')
param keyVaultName string

@description('Secret name for the connection string.')
param secretName string

@description('Allow connections from Azure services (App Service outbound addresses). Turn off when a private endpoint is used.')
param allowAzureServices bool = true

param tags object = {}

resource cluster 'Microsoft.DocumentDB/mongoClusters@2024-07-01' = {
  name: clusterName
  location: location
  tags: tags
  properties: {
    administrator: {
      userName: administratorUserName
      password: administratorPassword
    }
    serverVersion: serverVersion
    compute: {
      tier: tier
    }
    storage: {
      sizeGb: storageSizeGb
    }
    sharding: {
      shardCount: 1
    }
    highAvailability: {
      targetMode: highAvailability ? 'SameZone' : 'Disabled'
    }
    publicNetworkAccess: 'Enabled'
  }
}

// 0.0.0.0-0.0.0.0 is the "Azure services" rule: the app's outbound addresses, not the internet.
resource allowAzure 'Microsoft.DocumentDB/mongoClusters/firewallRules@2024-07-01' = if (allowAzureServices) {
  parent: cluster
  name: 'AllowAllAzureServicesAndResourcesWithinAzureIps'
  properties: {
    startIpAddress: '0.0.0.0'
    endIpAddress: '0.0.0.0'
  }
}

resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' existing = {
  name: keyVaultName
}

// listConnectionStrings() returns mongodb+srv://<user>:<password>@<host>/?<options>; the user,
// password (URL-encoded) and database name are filled in here.
var template = cluster.listConnectionStrings().connectionStrings[0].connectionString
var withCredentials = replace(
  replace(template, '<user>', uriComponent(administratorUserName)),
  '<password>',
  uriComponent(administratorPassword)
)

resource uriSecret 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: secretName
  properties: {
    value: replace(withCredentials, '/?', '/${databaseName}?')
    contentType: 'MongoDB connection string'
  }
}

output clusterName string = cluster.name
