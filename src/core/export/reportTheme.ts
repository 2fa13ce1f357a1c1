// Dark+ / Light+ values of the --vscode-* variables the graph webview uses: a report opened outside VS Code
// has no theme, so it brings these (the browser's colour scheme picks one).
export const reportThemes: Record<'dark' | 'light', Record<string, string>> = {
  dark: {
    foreground: '#cccccc', 'editor-background': '#1e1e1e', 'editor-findMatchHighlightBackground': '#ea5c0055', 'sideBar-background': '#252526', descriptionForeground: '#9d9d9d', focusBorder: '#007fd4',
    'textCodeBlock-background': '#2b2b2b', 'panel-border': '#80808059', 'widget-border': '#454545', 'editorWidget-background': '#252526',
    'badge-background': '#4d4d4d', 'badge-foreground': '#ffffff', 'charts-blue': '#3794ff', 'charts-purple': '#b180d7', 'charts-orange': '#d18616',
    'charts-green': '#89d185', 'charts-yellow': '#cca700', 'charts-red': '#f14c4c', errorForeground: '#f48771', 'editorWarning-foreground': '#cca700',
    'inputValidation-errorBackground': '#5a1d1d', 'list-hoverBackground': '#2a2d2e', 'list-inactiveSelectionBackground': '#37373d',
    'textLink-foreground': '#3794ff', disabledForeground: '#cccccc80', 'editorIndentGuide-activeBackground1': '#707070', 'button-background': '#0e639c',
    'button-foreground': '#ffffff', 'button-hoverBackground': '#1177bb', 'button-secondaryBackground': '#3a3d41', 'button-secondaryForeground': '#cccccc',
    'button-secondaryHoverBackground': '#45494e', 'dropdown-background': '#3c3c3c', 'dropdown-border': '#3c3c3c', 'dropdown-foreground': '#f0f0f0',
    'icon-foreground': '#c5c5c5', 'panel-background': '#1e1e1e', 'settings-headerBorder': '#80808059',
    'panelTitle-activeBorder': '#e7e7e7', 'panelTitle-activeForeground': '#e7e7e7', 'panelTitle-inactiveForeground': '#e7e7e799',
    'settings-dropdownBackground': '#3c3c3c', 'settings-dropdownBorder': '#3c3c3c', 'settings-dropdownForeground': '#f0f0f0', 'settings-dropdownListBorder': '#454545',
    'sideBarSectionHeader-background': '#00000000', 'sideBarTitle-foreground': '#bbbbbb', 'list-activeSelectionBackground': '#04395e',
    'list-activeSelectionForeground': '#ffffff', 'list-focusOutline': '#007fd4', 'widget-shadow': '#0000005c',
  },
  light: {
    foreground: '#3b3b3b', 'editor-background': '#ffffff', 'editor-findMatchHighlightBackground': '#ea5c0055', 'sideBar-background': '#f3f3f3', descriptionForeground: '#717171', focusBorder: '#0090f1',
    'textCodeBlock-background': '#ececec', 'panel-border': '#80808059', 'widget-border': '#c8c8c8', 'editorWidget-background': '#f3f3f3',
    'badge-background': '#c4c4c4', 'badge-foreground': '#333333', 'charts-blue': '#1a85ff', 'charts-purple': '#652d90', 'charts-orange': '#d18616',
    'charts-green': '#388a34', 'charts-yellow': '#bf8803', 'charts-red': '#e51400', errorForeground: '#a1260d', 'editorWarning-foreground': '#bf8803',
    'inputValidation-errorBackground': '#f2dede', 'list-hoverBackground': '#e8e8e8', 'list-inactiveSelectionBackground': '#e4e6f1',
    'textLink-foreground': '#006ab1', disabledForeground: '#61616180', 'editorIndentGuide-activeBackground1': '#939393', 'button-background': '#007acc',
    'button-foreground': '#ffffff', 'button-hoverBackground': '#0062a3', 'button-secondaryBackground': '#5f6a79', 'button-secondaryForeground': '#ffffff',
    'button-secondaryHoverBackground': '#4c5561', 'dropdown-background': '#ffffff', 'dropdown-border': '#cecece', 'dropdown-foreground': '#616161',
    'icon-foreground': '#424242', 'panel-background': '#ffffff', 'settings-headerBorder': '#80808059',
    'panelTitle-activeBorder': '#424242', 'panelTitle-activeForeground': '#424242', 'panelTitle-inactiveForeground': '#424242bf',
    'settings-dropdownBackground': '#ffffff', 'settings-dropdownBorder': '#cecece', 'settings-dropdownForeground': '#616161', 'settings-dropdownListBorder': '#c8c8c8',
    'sideBarSectionHeader-background': '#00000000', 'sideBarTitle-foreground': '#6f6f6f', 'list-activeSelectionBackground': '#0060c0',
    'list-activeSelectionForeground': '#ffffff', 'list-focusOutline': '#0090f1', 'widget-shadow': '#00000029',
  },
};
