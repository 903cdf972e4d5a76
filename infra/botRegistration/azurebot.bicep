// Azure Bot registration with the Teams channel. Kept close to the Agents Toolkit bot
// template's infra/botRegistration/azurebot.bicep; the app type is a parameter here so a trust
// can choose a user-assigned managed identity (default) or a single-tenant Entra app.

@maxLength(42)
param botDisplayName string

param botServiceName string
param botServiceSku string = 'F0'

@allowed([
  'UserAssignedMSI'
  'SingleTenant'
])
param botAppType string

@description('UserAssignedMSI: the managed identity\'s client id. SingleTenant: the Entra app\'s client id.')
param botAppId string

@description('Resource id of the user-assigned managed identity (UserAssignedMSI only).')
param identityResourceId string = ''

@description('Directory (tenant) id the bot identity belongs to.')
param botTenantId string

@description('Default host name of the web app that serves /api/messages (no scheme).')
param botAppDomain string

param tags object = {}

// Register your web service as a bot with the Bot Framework
resource botService 'Microsoft.BotService/botServices@2022-09-15' = {
  kind: 'azurebot'
  location: 'global'
  name: botServiceName
  tags: tags
  properties: {
    displayName: botDisplayName
    endpoint: 'https://${botAppDomain}/api/messages'
    msaAppId: botAppId
    msaAppMSIResourceId: botAppType == 'UserAssignedMSI' ? identityResourceId : null
    msaAppTenantId: botTenantId
    msaAppType: botAppType
  }
  sku: {
    name: botServiceSku
  }
}

// Connect the bot service to Microsoft Teams
resource botServiceMsTeamsChannel 'Microsoft.BotService/botServices/channels@2022-09-15' = {
  parent: botService
  location: 'global'
  name: 'MsTeamsChannel'
  properties: {
    channelName: 'MsTeamsChannel'
  }
}

output botServiceName string = botService.name
