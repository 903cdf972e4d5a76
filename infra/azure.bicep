// Placement Companion: everything one environment needs in Azure. Deployed by the Agents
// Toolkit's arm/deploy step in m365agents.yml with infra/azure.parameters.json, whose ${{VAR}}
// placeholders come from env/.env.<environment> (and .env.<environment>.user for SECRET_*).
// Laid out like the Toolkit's bot template (identity, App Service plan, web app, bot
// registration module, outputs written back to the env file), plus Key Vault, the database and
// monitoring. docs/deploy.md is the runbook.

@maxLength(20)
@minLength(4)
@description('Used to generate names for all resources in this file')
param resourceBaseName string

@description('App Service plan SKU: B1 is enough for a pilot; P1v3 (or larger) for production.')
param webAppSKU string

@maxLength(42)
param botDisplayName string

@description('How the bot authenticates to the Bot Framework: a user-assigned managed identity (no secret) or a single-tenant Entra app with a client secret.')
@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botAppType string = 'UserAssignedMSI'

@description('SingleTenant only: client id of the Entra app the bot signs in as (aadApp/create).')
param botAadAppClientId string = ''

@description('SingleTenant only: the directory (tenant) id of that app (aadApp/create). Empty: the subscription\'s tenant.')
param botAadAppTenantId string = ''

@secure()
@description('SingleTenant only: that app\'s client secret (stored in Key Vault as bot-app-password).')
param botAadAppClientSecret string = ''

@description('Client id of the Entra app registration that the dashboard tab\'s SSO token is issued for (aadApp/create).')
param tabSsoClientId string

@description('Teams tenant that an admin import without --tenant lands in. Empty: the bot\'s own tenant.')
param defaultTenantId string = ''

@description('CosmosDbMongoVCore creates an Azure Cosmos DB for MongoDB (vCore) cluster; AtlasConnectionString stores the given connection string instead.')
@allowed([
  'CosmosDbMongoVCore'
  'AtlasConnectionString'
])
param databaseKind string = 'CosmosDbMongoVCore'

@description('Database name (goes in the connection string\'s path).')
param databaseName string = 'placement_companion'

@description('Region of the Cosmos DB cluster. UK South keeps the data in the UK.')
param databaseLocation string = 'uksouth'

param mongoAdminUserName string = 'pcadmin'

@secure()
@description('CosmosDbMongoVCore only: the cluster administrator password.')
param mongoAdminPassword string = ''

@description('CosmosDbMongoVCore only: compute tier.')
param mongoTier string = 'M30'

@description('CosmosDbMongoVCore only: storage per shard in GB.')
param mongoStorageSizeGb int = 32

@description('CosmosDbMongoVCore only: a same-region standby (recommended for production).')
param mongoHighAvailability bool = false

@secure()
@description('AtlasConnectionString only: mongodb+srv://user:password@cluster/placement_companion?... (database name in the path).')
param atlasConnectionString string = ''

@secure()
@minLength(32)
@description('EXPORT_LINK_SECRET: signs learning-journey export links. Generated once per environment (see m365agents.yml).')
param exportLinkSecret string

@secure()
@minLength(16)
@description('SURVEY_HMAC_SECRET: keys anonymous survey response ids. Must stay the same for the life of the environment.')
param surveyHmacSecret string

@minValue(0)
@maxValue(240)
@description('Optional coach (docs/coach.md): the trust\'s Azure OpenAI endpoint, https://<resource>.openai.azure.com. Empty: the coach is off and nothing is sent.')
param coachOpenAiEndpoint string = ''

@description('Optional coach: the Azure OpenAI deployment name. Grant the web app\'s managed identity "Cognitive Services OpenAI User" on that resource.')
param coachOpenAiDeployment string = ''

@description('RETENTION_MONTHS: months after a cohort\'s last placement day before its data is purged (0 keeps it).')
param retentionMonths int = 24

@description('Days Log Analytics keeps logs and telemetry.')
param logRetentionDays int = 90

param location string = resourceGroup().location

// Names. Web app, Key Vault and cluster names are global, so they carry a short hash of the
// resource group.
var suffix = take(uniqueString(resourceGroup().id, resourceBaseName), 6)
var identityName = resourceBaseName
var serverfarmsName = resourceBaseName
var webAppName = '${resourceBaseName}-${suffix}'
var keyVaultName = take('kv${replace(resourceBaseName, '-', '')}${suffix}', 24)
var mongoClusterName = toLower('${resourceBaseName}-db-${suffix}')
var logAnalyticsName = '${resourceBaseName}-logs'
var appInsightsName = '${resourceBaseName}-ai'

var tags = {
  application: 'placement-companion'
}
var isMsi = botAppType == 'UserAssignedMSI'
var useCosmos = databaseKind == 'CosmosDbMongoVCore'

// Built-in role "Key Vault Secrets User" (read secret values).
var keyVaultSecretsUserRoleId = '4633458b-17de-408a-b874-0445c86b69e6'

var secretNames = {
  mongodbUri: 'mongodb-uri'
  exportLinkSecret: 'export-link-secret'
  surveyHmacSecret: 'survey-hmac-secret'
  botAppPassword: 'bot-app-password'
}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  location: location
  name: identityName
  tags: tags
}

// Monitoring: a Log Analytics workspace and workspace-based Application Insights.
resource logAnalytics 'Microsoft.OperationalInsights/workspaces@2023-09-01' = {
  name: logAnalyticsName
  location: location
  tags: tags
  properties: {
    sku: {
      name: 'PerGB2018'
    }
    retentionInDays: logRetentionDays
  }
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' = {
  name: appInsightsName
  location: location
  kind: 'web'
  tags: tags
  properties: {
    Application_Type: 'web'
    WorkspaceResourceId: logAnalytics.id
  }
}

// Key Vault with Azure RBAC (no access policies), soft delete and purge protection.
resource keyVault 'Microsoft.KeyVault/vaults@2023-07-01' = {
  name: keyVaultName
  location: location
  tags: tags
  properties: {
    tenantId: subscription().tenantId
    sku: {
      family: 'A'
      name: 'standard'
    }
    enableRbacAuthorization: true
    enableSoftDelete: true
    softDeleteRetentionInDays: 90
    enablePurgeProtection: true
    publicNetworkAccess: 'Enabled'
  }
}

resource secretsUser 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(keyVault.id, identity.id, keyVaultSecretsUserRoleId)
  scope: keyVault
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', keyVaultSecretsUserRoleId)
    principalId: identity.properties.principalId
    principalType: 'ServicePrincipal'
  }
}

resource exportLinkSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: secretNames.exportLinkSecret
  properties: {
    value: exportLinkSecret
  }
}

resource surveyHmacSecretValue 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = {
  parent: keyVault
  name: secretNames.surveyHmacSecret
  properties: {
    value: surveyHmacSecret
  }
}

resource botAppPassword 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!isMsi) {
  parent: keyVault
  name: secretNames.botAppPassword
  properties: {
    value: botAadAppClientSecret
  }
}

// The database: a Cosmos DB for MongoDB (vCore) cluster, or an Atlas connection string.
module cosmos './modules/cosmos-mongo.bicep' = if (useCosmos) {
  name: 'Cosmos-DB-MongoDB-vCore'
  params: {
    clusterName: mongoClusterName
    location: databaseLocation
    administratorUserName: mongoAdminUserName
    administratorPassword: mongoAdminPassword
    tier: mongoTier
    storageSizeGb: mongoStorageSizeGb
    highAvailability: mongoHighAvailability
    databaseName: databaseName
    keyVaultName: keyVault.name
    secretName: secretNames.mongodbUri
    tags: tags
  }
}

resource atlasUri 'Microsoft.KeyVault/vaults/secrets@2023-07-01' = if (!useCosmos) {
  parent: keyVault
  name: secretNames.mongodbUri
  properties: {
    value: atlasConnectionString
    contentType: 'MongoDB connection string'
  }
}

// Compute resources for your Web App
resource serverfarm 'Microsoft.Web/serverfarms@2023-12-01' = {
  kind: 'linux'
  location: location
  name: serverfarmsName
  tags: tags
  sku: {
    name: webAppSKU
  }
  properties: {
    reserved: true // Linux
  }
}

// Web App that hosts your bot. Its app settings are set below (they need its own host name).
resource webApp 'Microsoft.Web/sites@2023-12-01' = {
  kind: 'app,linux'
  location: location
  name: webAppName
  tags: tags
  properties: {
    serverFarmId: serverfarm.id
    httpsOnly: true
    keyVaultReferenceIdentity: identity.id
    siteConfig: {
      linuxFxVersion: 'NODE|20-lts'
      appCommandLine: 'npm run start:prod'
      alwaysOn: true
      healthCheckPath: '/readyz'
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
      http20Enabled: true
    }
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identity.id}': {}
    }
  }
}

// Key Vault reference to the newest version of a secret (no version: rotation needs no redeploy).
var kvRef = {
  mongodbUri: '@Microsoft.KeyVault(SecretUri=${keyVault.properties.vaultUri}secrets/${secretNames.mongodbUri}/)'
  exportLinkSecret: '@Microsoft.KeyVault(SecretUri=${keyVault.properties.vaultUri}secrets/${secretNames.exportLinkSecret}/)'
  surveyHmacSecret: '@Microsoft.KeyVault(SecretUri=${keyVault.properties.vaultUri}secrets/${secretNames.surveyHmacSecret}/)'
  botAppPassword: '@Microsoft.KeyVault(SecretUri=${keyVault.properties.vaultUri}secrets/${secretNames.botAppPassword}/)'
}

var botAppId = isMsi ? identity.properties.clientId : botAadAppClientId
var botTenantId = isMsi || empty(botAadAppTenantId) ? identity.properties.tenantId : botAadAppTenantId

// The settings the service reads (src/config.ts), plus the platform's own.
var serviceSettings = {
  NODE_ENV: 'production'
  MicrosoftAppType: botAppType
  MicrosoftAppId: botAppId
  MicrosoftAppTenantId: botTenantId
  MONGODB_URI: kvRef.mongodbUri
  PUBLIC_BASE_URL: 'https://${webApp.properties.defaultHostName}'
  TAB_SSO_CLIENT_ID: tabSsoClientId
  DEFAULT_TENANT_ID: empty(defaultTenantId) ? botTenantId : defaultTenantId
  EXPORT_LINK_SECRET: kvRef.exportLinkSecret
  SURVEY_HMAC_SECRET: kvRef.surveyHmacSecret
  APPLICATIONINSIGHTS_CONNECTION_STRING: appInsights.properties.ConnectionString
  RETENTION_MONTHS: string(retentionMonths)
}
var platformSettings = {
  // @azure/identity's ManagedIdentityCredential picks the user-assigned identity by this id.
  AZURE_CLIENT_ID: identity.properties.clientId
  // The package is built before zip deploy (m365agents.yml); no build on the server.
  SCM_DO_BUILD_DURING_DEPLOYMENT: 'false'
  // Run from the deployed zip: wwwroot is read-only.
  WEBSITE_RUN_FROM_PACKAGE: '1'
}
var passwordSetting = isMsi ? {} : { MicrosoftAppPassword: kvRef.botAppPassword }
// The optional coach, on the trust's own Azure OpenAI deployment through the web app's managed
// identity (no key): only when an endpoint is given; otherwise COACH_ENABLED stays false.
var coachSettings = empty(coachOpenAiEndpoint) ? {} : {
  COACH_ENABLED: 'true'
  AZURE_OPENAI_ENDPOINT: coachOpenAiEndpoint
  AZURE_OPENAI_DEPLOYMENT: coachOpenAiDeployment
  AZURE_OPENAI_CLIENT_ID: identity.properties.clientId
}

resource appSettings 'Microsoft.Web/sites/config@2023-12-01' = {
  parent: webApp
  name: 'appsettings'
  properties: union(serviceSettings, passwordSetting, coachSettings, platformSettings)
  // Key Vault references resolve when the settings are applied: the secrets and the identity's
  // right to read them must exist first.
  dependsOn: [
    secretsUser
    exportLinkSecretValue
    surveyHmacSecretValue
    botAppPassword
    cosmos
    atlasUri
  ]
}

// Register your web service as a bot with the Bot Framework
module azureBotRegistration './botRegistration/azurebot.bicep' = {
  name: 'Azure-Bot-registration'
  params: {
    botServiceName: resourceBaseName
    botDisplayName: botDisplayName
    botAppType: botAppType
    botAppId: botAppId
    identityResourceId: isMsi ? identity.id : ''
    botTenantId: botTenantId
    botAppDomain: webApp.properties.defaultHostName
    tags: tags
  }
}

// The output will be persisted in .env.{envName}. Visit https://aka.ms/teamsfx-actions/arm-deploy for more details.
output BOT_AZURE_APP_SERVICE_RESOURCE_ID string = webApp.id
output BOT_DOMAIN string = webApp.properties.defaultHostName
output BOT_ID string = botAppId
output BOT_TENANT_ID string = botTenantId
output BOT_IDENTITY_CLIENT_ID string = identity.properties.clientId
output KEY_VAULT_NAME string = keyVault.name
output APPLICATIONINSIGHTS_RESOURCE_ID string = appInsights.id
